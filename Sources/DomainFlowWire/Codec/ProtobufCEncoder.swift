import CProtobufC
import Glibc
import NIOCore

/// Encodes `ProtoFields` to protobuf bytes with protobuf-c: builds the C message the
/// generated descriptor describes in a scratch arena, then packs it.
enum ProtobufCEncoder {
    /// Appends `fields`, encoded as a `schema` message, to `buffer`; with `lengthPrefixed`,
    /// preceded by its 4-byte big-endian length (one frame of the protocol).
    static func encode(_ fields: ProtoFields, as schema: ProtoSchema, into buffer: inout ByteBuffer,
                       lengthPrefixed: Bool) throws(WireError) {
        var arena = ScratchArena()
        pack(try build(fields, schema.descriptor, &arena), into: &buffer, lengthPrefixed: lengthPrefixed)
    }

    /// Appends the packed bytes of the built C `message` to `buffer`, with `lengthPrefixed` after its 4-byte
    /// big-endian length.
    static func pack(_ message: UnsafeMutableRawPointer, into buffer: inout ByteBuffer, lengthPrefixed: Bool) {
        let message = message.assumingMemoryBound(to: ProtobufCMessage.self)
        let size = protobuf_c_message_get_packed_size(message)
        if lengthPrefixed { buffer.writeInteger(UInt32(truncatingIfNeeded: size), endianness: .big) }
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { out in
            protobuf_c_message_pack(message, out.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// The encoded bytes of `fields` as a `schema` message.
    static func encode(_ fields: ProtoFields, as schema: ProtoSchema) throws(WireError) -> [UInt8] {
        var buffer = ByteBuffer()
        try encode(fields, as: schema, into: &buffer, lengthPrefixed: false)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    private static func build(_ fields: ProtoFields, _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
                              _ arena: inout ScratchArena) throws(WireError) -> UnsafeMutableRawPointer {
        let message = arena.allocate(descriptor.pointee.sizeof_message)
        descriptor.pointee.message_init(message.assumingMemoryBound(to: ProtobufCMessage.self))
        try fill(message, descriptor, with: fields, &arena)
        return message
    }

    /// Sets `fields` in the initialised C `message` of `descriptor`.
    static func fill(_ message: UnsafeMutableRawPointer, _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
                     with fields: ProtoFields, _ arena: inout ScratchArena) throws(WireError) {
        for (number, value) in fields.entries {
            guard let fieldPointer = protobuf_c_message_descriptor_get_field(descriptor, number) else {
                throw .unknownField(String(cString: descriptor.pointee.name), number)
            }
            let field = fieldPointer.pointee
            let slot = message + Int(field.offset)
            if field.flags & UInt32(PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue) != 0 {
                (message + Int(field.quantifier_offset)).storeBytes(of: field.id, as: UInt32.self)
                try store(value, field, at: slot, &arena)
                continue
            }
            switch field.label {
            case PROTOBUF_C_LABEL_REPEATED:
                guard case .list(let items) = value else { throw .typeMismatch(fieldName(field)) }
                let stride = ProtobufCLayout.elementSize(field.type)
                let array = arena.allocate(stride * items.count)
                for (i, item) in items.enumerated() { try store(item, field, at: array + i * stride, &arena) }
                (message + Int(field.quantifier_offset)).storeBytes(of: items.count, as: Int.self)
                slot.storeBytes(of: array, as: UnsafeMutableRawPointer.self)
            case PROTOBUF_C_LABEL_OPTIONAL where !ProtobufCLayout.isPointer(field.type):
                (message + Int(field.quantifier_offset)).storeBytes(of: 1, as: Int32.self)
                try store(value, field, at: slot, &arena)
            default:
                try store(value, field, at: slot, &arena)
            }
        }
    }

    private static func fieldName(_ field: ProtobufCFieldDescriptor) -> String { String(cString: field.name) }

    private static func store(_ value: ProtoValue, _ field: ProtobufCFieldDescriptor,
                              at slot: UnsafeMutableRawPointer, _ arena: inout ScratchArena) throws(WireError) {
        switch (field.type, value) {
        case (PROTOBUF_C_TYPE_INT32, .int(let v)), (PROTOBUF_C_TYPE_SINT32, .int(let v)),
             (PROTOBUF_C_TYPE_SFIXED32, .int(let v)), (PROTOBUF_C_TYPE_ENUM, .int(let v)):
            slot.storeBytes(of: Int32(truncatingIfNeeded: v), as: Int32.self)
        case (PROTOBUF_C_TYPE_INT64, .int(let v)), (PROTOBUF_C_TYPE_SINT64, .int(let v)),
             (PROTOBUF_C_TYPE_SFIXED64, .int(let v)):
            slot.storeBytes(of: v, as: Int64.self)
        case (PROTOBUF_C_TYPE_UINT32, .uint(let v)), (PROTOBUF_C_TYPE_FIXED32, .uint(let v)):
            slot.storeBytes(of: UInt32(truncatingIfNeeded: v), as: UInt32.self)
        case (PROTOBUF_C_TYPE_UINT64, .uint(let v)), (PROTOBUF_C_TYPE_FIXED64, .uint(let v)):
            slot.storeBytes(of: v, as: UInt64.self)
        case (PROTOBUF_C_TYPE_FLOAT, .double(let v)):
            slot.storeBytes(of: Float(v), as: Float.self)
        case (PROTOBUF_C_TYPE_DOUBLE, .double(let v)):
            slot.storeBytes(of: v, as: Double.self)
        case (PROTOBUF_C_TYPE_BOOL, .bool(let v)):
            slot.storeBytes(of: v ? 1 : 0, as: Int32.self)
        case (PROTOBUF_C_TYPE_STRING, .string(let v)):
            var utf8 = v.utf8CString
            let copy = arena.allocate(utf8.count)
            utf8.withUnsafeMutableBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            slot.storeBytes(of: copy, as: UnsafeMutableRawPointer.self)
        case (PROTOBUF_C_TYPE_BYTES, .bytes(let v)):
            let copy = arena.allocate(v.count)
            v.withUnsafeBytes { if let base = $0.baseAddress { copy.copyMemory(from: base, byteCount: $0.count) } }
            slot.storeBytes(of: ProtobufCBinaryData(len: v.count, data: copy.assumingMemoryBound(to: UInt8.self)),
                            as: ProtobufCBinaryData.self)
        case (PROTOBUF_C_TYPE_MESSAGE, .message(let sub)):
            guard let subDescriptor = field.descriptor else { throw .typeMismatch(fieldName(field)) }
            let built = try build(sub, subDescriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self), &arena)
            slot.storeBytes(of: built, as: UnsafeMutableRawPointer.self)
        default:
            throw .typeMismatch(fieldName(field))
        }
    }
}
