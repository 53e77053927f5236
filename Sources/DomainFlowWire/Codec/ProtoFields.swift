/// One field value of a decoded protobuf message, independent of its C representation.
///
/// Integers of every width and signedness arrive as `.int` / `.uint`; enums are `.int`;
/// floats are widened to `.double`; repeated fields are `.list`.
public indirect enum ProtoValue: Sendable, Equatable {
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case bool(Bool)
    case string(String)
    case bytes([UInt8])
    case message(ProtoFields)
    case list([ProtoValue])
}

/// The fields of one protobuf message, by field number: the Swift-side model the
/// protobuf-c codec reads into and writes from. Absent fields read as their proto3 defaults.
public struct ProtoFields: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    /// Present fields in field-number order.
    public private(set) var entries: [(number: UInt32, value: ProtoValue)]
    /// Field numbers the decoder met that the schema does not know (ignored, per the evolution rules).
    public internal(set) var unknownFieldNumbers: [UInt32] = []

    public init() { entries = [] }

    public init(dictionaryLiteral elements: (UInt32, ProtoValue?)...) {
        entries = []
        entries.reserveCapacity(elements.count)
        for (number, value) in elements {
            if let value { self[number] = value }
        }
    }

    public static func == (lhs: ProtoFields, rhs: ProtoFields) -> Bool {
        lhs.entries.elementsEqual(rhs.entries) { $0.number == $1.number && $0.value == $1.value }
    }

    /// These fields with `other`'s added (`other` wins where both have a field).
    public func merging(_ other: ProtoFields) -> ProtoFields {
        var merged = self
        for (number, value) in other.entries { merged[number] = value }
        return merged
    }

    /// The value of field `number`, or nil when absent. Setting nil removes it.
    public subscript(number: UInt32) -> ProtoValue? {
        get { entries.first(where: { $0.number == number })?.value }
        set {
            if let newValue, entries.last.map({ $0.number < number }) ?? true {
                entries.append((number, newValue))  // fields arrive in number order from decoders and literals
                return
            }
            let index = entries.firstIndex(where: { $0.number >= number })
            if let index, entries[index].number == number {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.insert((number, newValue), at: index ?? entries.endIndex)
            }
        }
    }

    public func uint64(_ number: UInt32) -> UInt64 {
        switch self[number] {
        case .uint(let v): return v
        case .int(let v): return UInt64(bitPattern: v)
        default: return 0
        }
    }
    public func uint32(_ number: UInt32) -> UInt32 { UInt32(truncatingIfNeeded: uint64(number)) }
    public func int64(_ number: UInt32) -> Int64 {
        switch self[number] {
        case .int(let v): return v
        case .uint(let v): return Int64(bitPattern: v)
        default: return 0
        }
    }
    public func int32(_ number: UInt32) -> Int32 { Int32(truncatingIfNeeded: int64(number)) }
    public func bool(_ number: UInt32) -> Bool { if case .bool(let v) = self[number] { v } else { false } }
    public func double(_ number: UInt32) -> Double { if case .double(let v) = self[number] { v } else { 0 } }
    public func string(_ number: UInt32) -> String { if case .string(let v) = self[number] { v } else { "" } }
    public func bytes(_ number: UInt32) -> [UInt8] { if case .bytes(let v) = self[number] { v } else { [] } }
    /// The sub-message at `number`, or nil when absent.
    public func message(_ number: UInt32) -> ProtoFields? { if case .message(let v) = self[number] { v } else { nil } }
    public func list(_ number: UInt32) -> [ProtoValue] { if case .list(let v) = self[number] { v } else { [] } }
    /// The repeated string field `number`.
    public func strings(_ number: UInt32) -> [String] { list(number).compactMap { if case .string(let s) = $0 { s } else { nil } } }
    public func float(_ number: UInt32) -> Float { Float(double(number)) }
    public func bytess(_ number: UInt32) -> [[UInt8]] { list(number).compactMap { if case .bytes(let v) = $0 { v } else { nil } } }
    public func bools(_ number: UInt32) -> [Bool] { list(number).compactMap { if case .bool(let v) = $0 { v } else { nil } } }
    public func doubles(_ number: UInt32) -> [Double] { list(number).compactMap { if case .double(let v) = $0 { v } else { nil } } }
    public func floats(_ number: UInt32) -> [Float] { doubles(number).map { Float($0) } }
    public func int64s(_ number: UInt32) -> [Int64] { list(number).compactMap(Self.signed) }
    public func int32s(_ number: UInt32) -> [Int32] { int64s(number).map { Int32(truncatingIfNeeded: $0) } }
    public func uint64s(_ number: UInt32) -> [UInt64] { list(number).compactMap(Self.unsigned) }
    public func uint32s(_ number: UInt32) -> [UInt32] { uint64s(number).map { UInt32(truncatingIfNeeded: $0) } }

    private static func signed(_ value: ProtoValue) -> Int64? {
        switch value {
        case .int(let v): v
        case .uint(let v): Int64(bitPattern: v)
        default: nil
        }
    }
    private static func unsigned(_ value: ProtoValue) -> UInt64? {
        switch value {
        case .uint(let v): v
        case .int(let v): UInt64(bitPattern: v)
        default: nil
        }
    }

    /// The enum field `number` (`name` in the `.proto`); INVALID_ARGUMENT naming it for a value `E` does not have.
    public func enumeration<E: RawRepresentable<Int32>>(_ number: UInt32, _ name: String, as type: E.Type = E.self) throws(RPCError) -> E {
        try FieldErrors.enumValue(int32(number), name)
    }
    /// The repeated enum field `number`; INVALID_ARGUMENT naming it for a value `E` does not have.
    public func enumerations<E: RawRepresentable<Int32>>(_ number: UInt32, _ name: String, as type: E.Type = E.self) throws(RPCError) -> [E] {
        var values: [E] = []
        for raw in int32s(number) { values.append(try FieldErrors.enumValue(raw, name)) }
        return values
    }

    /// The repeated message field `number` (`name` in the `.proto`), decoded as `M`; an error inside names its path.
    public func messages<M: WireMessage>(_ number: UInt32, _ name: String, as type: M.Type = M.self) throws -> [M] {
        try FieldErrors.within(name) { try list(number).compactMap { if case .message(let m) = $0 { try M(fields: m) } else { nil } } }
    }
    /// The sub-message at `number` (`name` in the `.proto`) decoded as `M`, or nil when absent; an error inside names its path.
    public func decode<M: WireMessage>(_ number: UInt32, _ name: String, as type: M.Type = M.self) throws -> M? {
        try FieldErrors.within(name) { try message(number).map(M.init(fields:)) }
    }
}

extension ProtoValue {
    /// A repeated string field, or nil (absent) when empty.
    public static func strings(_ values: [String]) -> ProtoValue? { values.isEmpty ? nil : .list(values.map { .string($0) }) }
    /// A repeated message field, or nil (absent) when empty.
    public static func messages<M: WireMessage>(_ values: [M]) -> ProtoValue? { values.isEmpty ? nil : .list(values.map { .message($0.fields) }) }
    /// A repeated enum field, or nil (absent) when empty.
    public static func enumerations<E: RawRepresentable<Int32>>(_ values: [E]) -> ProtoValue? {
        values.isEmpty ? nil : .list(values.map { .int(Int64($0.rawValue)) })
    }
    /// A repeated scalar field, each element made by `element`, or nil (absent) when empty.
    public static func repeated<T>(_ values: [T], _ element: (T) -> ProtoValue) -> ProtoValue? {
        values.isEmpty ? nil : .list(values.map(element))
    }
    /// `.message` of a typed message, or nil for nil.
    public static func of<M: WireMessage>(_ message: M?) -> ProtoValue? {
        message.map { .message($0.fields) }
    }
}
