import CProtobufC

extension WireMessage {
    /// Reads the message generically, through its fields (the generated messages read theirs directly).
    public init(protobufC message: ProtobufCReader) throws { try self.init(fields: message.fields) }
    /// Writes the message generically, through its fields (the generated messages write theirs directly).
    public func write(protobufC message: ProtobufCWriter) { message.fill(fields) }
}

/// Reads the fields of one unpacked protobuf-c message by field index (proto3 fields: no presence flags). Field
/// indexes are positions in the descriptor's field list (protoc-c sorts it by number). Only the codec makes one.
public struct ProtobufCReader {
    let message: UnsafeRawPointer
    let descriptor: UnsafePointer<ProtobufCMessageDescriptor>

    private func field(_ index: Int) -> ProtobufCFieldDescriptor { descriptor.pointee.fields[index] }
    private func slot(_ index: Int) -> UnsafeRawPointer { message + Int(field(index).offset) }
    private func count(_ index: Int) -> Int { message.load(fromByteOffset: Int(field(index).quantifier_offset), as: Int.self) }
    private func elements(_ index: Int) -> UnsafeRawPointer? { count(index) > 0 ? slot(index).load(as: UnsafeRawPointer?.self) : nil }

    /// The index of field `number` in the descriptor's list, or nil when the message has no such field.
    func index(ofField number: UInt32) -> Int? { ProtoSchema(descriptor: descriptor).fieldIndex(number) }
    /// The number of the field set in the oneof that the field at `index` belongs to (0: none).
    func oneofCase(_ index: Int) -> UInt32 { message.load(fromByteOffset: Int(field(index).quantifier_offset), as: UInt32.self) }
    /// The sub-message at `index`, undecoded, with its descriptor; nil when absent.
    func subMessage(_ index: Int) -> ProtobufCReader? {
        guard let sub = slot(index).load(as: UnsafeRawPointer?.self), let d = field(index).descriptor else { return nil }
        return ProtobufCReader(message: sub, descriptor: d.assumingMemoryBound(to: ProtobufCMessageDescriptor.self))
    }
    /// Field numbers of the fields protobuf-c did not know (kept as unknown fields).
    var unknownFieldNumbers: [UInt32] {
        let header = message.assumingMemoryBound(to: ProtobufCMessage.self).pointee
        return (0..<Int(header.n_unknown_fields)).map { header.unknown_fields[$0].tag }
    }
    /// All fields, decoded generically (the slow path).
    var fields: ProtoFields { ProtobufCDecoder.fields(of: message, descriptor) }

    func string(_ index: Int) -> String {
        guard let chars = slot(index).load(as: UnsafePointer<CChar>?.self) else { return "" }
        return String(cString: chars)
    }
    func bytes(_ index: Int) -> [UInt8] {
        let data = slot(index).load(as: ProtobufCBinaryData.self)
        guard data.len > 0, let bytes = data.data else { return [] }
        return Array(UnsafeBufferPointer(start: bytes, count: data.len))
    }
    func bool(_ index: Int) -> Bool { slot(index).load(as: Int32.self) != 0 }
    func int32(_ index: Int) -> Int32 { slot(index).load(as: Int32.self) }
    func int64(_ index: Int) -> Int64 { slot(index).load(as: Int64.self) }
    func uint32(_ index: Int) -> UInt32 { slot(index).load(as: UInt32.self) }
    func uint64(_ index: Int) -> UInt64 { slot(index).load(as: UInt64.self) }
    func double(_ index: Int) -> Double { slot(index).load(as: Double.self) }
    func float(_ index: Int) -> Float { slot(index).load(as: Float.self) }

    /// The enum field at `index` (`name` in the `.proto`); INVALID_ARGUMENT naming it for a value `E` lacks.
    func enumeration<E: RawRepresentable<Int32>>(_ index: Int, _ name: String) throws(RPCError) -> E {
        try FieldErrors.enumValue(int32(index), name)
    }

    /// The sub-message at `index` (`name` in the `.proto`), or nil when absent; an error inside names its path.
    func message<M: WireMessage>(_ index: Int, _ name: String) throws -> M? {
        guard let sub = subMessage(index) else { return nil }
        return try FieldErrors.within(name) { try M(protobufC: sub) }
    }

    func strings(_ index: Int) -> [String] {
        guard let base = elements(index) else { return [] }
        return (0..<count(index)).map { i in
            base.load(fromByteOffset: i * MemoryLayout<UnsafeRawPointer>.stride, as: UnsafePointer<CChar>?.self).map { String(cString: $0) } ?? ""
        }
    }
    func messages<M: WireMessage>(_ index: Int, _ name: String) throws -> [M] {
        guard let base = elements(index), let d = field(index).descriptor else { return [] }
        let sub = d.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
        return try FieldErrors.within(name) {
            try (0..<count(index)).compactMap { i in
                try base.load(fromByteOffset: i * MemoryLayout<UnsafeRawPointer>.stride, as: UnsafeRawPointer?.self).map {
                    try M(protobufC: ProtobufCReader(message: $0, descriptor: sub))
                }
            }
        }
    }
    func enumerations<E: RawRepresentable<Int32>>(_ index: Int, _ name: String) throws(RPCError) -> [E] {
        var values: [E] = []
        for raw in int32s(index) { values.append(try FieldErrors.enumValue(raw, name)) }
        return values
    }
    func int32s(_ index: Int) -> [Int32] { scalars(index) }
    func int64s(_ index: Int) -> [Int64] { scalars(index) }
    func uint32s(_ index: Int) -> [UInt32] { scalars(index) }
    func uint64s(_ index: Int) -> [UInt64] { scalars(index) }
    func doubles(_ index: Int) -> [Double] { scalars(index) }
    func floats(_ index: Int) -> [Float] { scalars(index) }
    func bools(_ index: Int) -> [Bool] { (scalars(index) as [Int32]).map { $0 != 0 } }

    private func scalars<T>(_ index: Int) -> [T] {
        guard let base = elements(index) else { return [] }
        return Array(UnsafeBufferPointer(start: base.assumingMemoryBound(to: T.self), count: count(index)))
    }
}

/// Builds one protobuf-c message in a `ScratchArena`, field by field by index; default values are left out.
/// Only the codec makes one.
public struct ProtobufCWriter {
    let message: UnsafeMutableRawPointer
    let descriptor: UnsafePointer<ProtobufCMessageDescriptor>
    private let arena: UnsafeMutablePointer<ScratchArena>

    /// A new, initialised `descriptor` message in the arena `arena` points to (which must outlive the writer).
    init(descriptor: UnsafePointer<ProtobufCMessageDescriptor>, arena: UnsafeMutablePointer<ScratchArena>) {
        self.descriptor = descriptor
        self.arena = arena
        message = arena.pointee.allocate(descriptor.pointee.sizeof_message)
        descriptor.pointee.message_init(message.assumingMemoryBound(to: ProtobufCMessage.self))
    }

    private func field(_ index: Int) -> ProtobufCFieldDescriptor { descriptor.pointee.fields[index] }
    private func slot(_ index: Int) -> UnsafeMutableRawPointer { message + Int(field(index).offset) }

    private func copy(_ text: String) -> UnsafeMutableRawPointer {
        var text = text
        return text.withUTF8 { utf8 in
            let copy = arena.pointee.allocate(utf8.count + 1)  // zeroed: the NUL is there
            if let base = utf8.baseAddress { copy.copyMemory(from: base, byteCount: utf8.count) }
            return copy
        }
    }

    func string(_ index: Int, _ value: String) {
        if !value.isEmpty { slot(index).storeBytes(of: copy(value), as: UnsafeMutableRawPointer.self) }
    }
    func bytes(_ index: Int, _ value: [UInt8]) {
        guard !value.isEmpty else { return }
        let copy = arena.pointee.allocate(value.count)
        value.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        slot(index).storeBytes(of: ProtobufCBinaryData(len: value.count, data: copy.assumingMemoryBound(to: UInt8.self)),
                               as: ProtobufCBinaryData.self)
    }
    func bool(_ index: Int, _ value: Bool) { if value { slot(index).storeBytes(of: 1, as: Int32.self) } }
    func int32(_ index: Int, _ value: Int32) { if value != 0 { slot(index).storeBytes(of: value, as: Int32.self) } }
    func int64(_ index: Int, _ value: Int64) { if value != 0 { slot(index).storeBytes(of: value, as: Int64.self) } }
    func uint32(_ index: Int, _ value: UInt32) { if value != 0 { slot(index).storeBytes(of: value, as: UInt32.self) } }
    func uint64(_ index: Int, _ value: UInt64) { if value != 0 { slot(index).storeBytes(of: value, as: UInt64.self) } }
    func double(_ index: Int, _ value: Double) { if value != 0 { slot(index).storeBytes(of: value, as: Double.self) } }
    func float(_ index: Int, _ value: Float) { if value != 0 { slot(index).storeBytes(of: value, as: Float.self) } }
    func enumeration<E: RawRepresentable<Int32>>(_ index: Int, _ value: E) { int32(index, value.rawValue) }

    /// Sets the fields generically (the slow path, for messages that are not generated); a field the schema refuses
    /// is recorded as the arena's failure, so that the message is not sent.
    func fill(_ fields: ProtoFields) {
        do {
            try ProtobufCEncoder.fill(message, descriptor, with: fields, &arena.pointee)
        } catch {
            arena.pointee.failure = arena.pointee.failure ?? error
        }
    }

    /// A new message of the type of the (message) field at `index`, built by `write` in the same arena.
    private func build(_ index: Int, _ write: (ProtobufCWriter) -> Void) -> UnsafeMutableRawPointer {
        let sub = ProtobufCWriter(descriptor: field(index).descriptor!.assumingMemoryBound(to: ProtobufCMessageDescriptor.self),
                                  arena: arena)
        write(sub)
        return sub.message
    }

    /// Sets the oneof field `number` to a message written by `write`; false when the message has no such field.
    func oneofMessage(number: UInt32, _ write: (ProtobufCWriter) -> Void) -> Bool {
        guard let index = ProtoSchema(descriptor: descriptor).fieldIndex(number), field(index).type == PROTOBUF_C_TYPE_MESSAGE
        else { return false }
        (message + Int(field(index).quantifier_offset)).storeBytes(of: number, as: UInt32.self)
        slot(index).storeBytes(of: build(index, write), as: UnsafeMutableRawPointer.self)
        return true
    }

    func message<M: WireMessage>(_ index: Int, _ value: M?) {
        guard let value else { return }
        slot(index).storeBytes(of: build(index) { value.write(protobufC: $0) }, as: UnsafeMutableRawPointer.self)
    }

    /// Sets the repeated field at `index` to `count` elements of `stride` bytes, each stored by `store`.
    private func repeated(_ index: Int, count: Int, stride: Int, _ store: (UnsafeMutableRawPointer, Int) -> Void) {
        guard count > 0 else { return }
        let array = arena.pointee.allocate(stride * count)
        for i in 0..<count { store(array + i * stride, i) }
        (message + Int(field(index).quantifier_offset)).storeBytes(of: count, as: Int.self)
        slot(index).storeBytes(of: array, as: UnsafeMutableRawPointer.self)
    }
    private func scalars<T>(_ index: Int, _ values: [T]) {
        repeated(index, count: values.count, stride: MemoryLayout<T>.stride) { $0.storeBytes(of: values[$1], as: T.self) }
    }

    func strings(_ index: Int, _ values: [String]) {
        repeated(index, count: values.count, stride: MemoryLayout<UnsafeRawPointer>.stride) {
            $0.storeBytes(of: copy(values[$1]), as: UnsafeMutableRawPointer.self)
        }
    }
    func messages<M: WireMessage>(_ index: Int, _ values: [M]) {
        repeated(index, count: values.count, stride: MemoryLayout<UnsafeRawPointer>.stride) { slot, i in
            slot.storeBytes(of: build(index) { values[i].write(protobufC: $0) }, as: UnsafeMutableRawPointer.self)
        }
    }
    func enumerations<E: RawRepresentable<Int32>>(_ index: Int, _ values: [E]) { scalars(index, values.map(\.rawValue)) }
    func int32s(_ index: Int, _ values: [Int32]) { scalars(index, values) }
    func int64s(_ index: Int, _ values: [Int64]) { scalars(index, values) }
    func uint32s(_ index: Int, _ values: [UInt32]) { scalars(index, values) }
    func uint64s(_ index: Int, _ values: [UInt64]) { scalars(index, values) }
    func doubles(_ index: Int, _ values: [Double]) { scalars(index, values) }
    func floats(_ index: Int, _ values: [Float]) { scalars(index, values) }
    func bools(_ index: Int, _ values: [Bool]) { scalars(index, values.map { Int32($0 ? 1 : 0) }) }
}
