import CProtobufC

/// Decodes protobuf bytes with protobuf-c into `ProtoFields`, walking the generated descriptors.
enum ProtobufCDecoder {
    /// Parses `bytes` as one message of `schema`; throws `WireError.malformedMessage` when protobuf-c rejects them.
    static func decode(_ bytes: UnsafeRawBufferPointer, as schema: ProtoSchema) throws(WireError) -> ProtoFields {
        try unpack(bytes, as: schema) { $0.fields }
    }

    /// Parses `bytes` as one message of `schema` and hands it to `body`, valid only there (its memory is one
    /// arena's, freed all at once); throws `WireError.malformedMessage` when protobuf-c rejects the bytes.
    static func unpack<R>(_ bytes: UnsafeRawBufferPointer, as schema: ProtoSchema,
                          _ body: (ProtobufCReader) throws(WireError) -> R) throws(WireError) -> R {
        let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        var arena = ScratchArena(expectedBytes: 512 + bytes.count * 2)
        return try arena.withAllocator { (allocator) throws(WireError) -> R in
            guard let message = protobuf_c_message_unpack(schema.descriptor, allocator, bytes.count, base) else {
                throw .malformedMessage(schema.fullName)
            }
            return try body(ProtobufCReader(message: UnsafeRawPointer(message), descriptor: schema.descriptor))
        }
    }

    /// The fields of an unpacked message, read generically through its descriptor.
    static func fields(of message: UnsafeRawPointer,
                               _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>) -> ProtoFields {
        var result = ProtoFields()
        let d = descriptor.pointee
        for i in 0..<Int(d.n_fields) {
            let field = d.fields[i]
            if let value = value(of: field, in: message) { result[field.id] = value }
        }
        let header = message.assumingMemoryBound(to: ProtobufCMessage.self).pointee
        for i in 0..<Int(header.n_unknown_fields) {
            result.unknownFieldNumbers.append(header.unknown_fields[i].tag)
        }
        return result
    }

    private static func value(of field: ProtobufCFieldDescriptor, in message: UnsafeRawPointer) -> ProtoValue? {
        let slot = message + Int(field.offset)
        if field.flags & UInt32(PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue) != 0 {
            let setCase = message.load(fromByteOffset: Int(field.quantifier_offset), as: UInt32.self)
            return setCase == field.id ? scalar(field, at: slot) : nil
        }
        switch field.label {
        case PROTOBUF_C_LABEL_REPEATED:
            let count = message.load(fromByteOffset: Int(field.quantifier_offset), as: Int.self)
            guard count > 0, let array = slot.load(as: UnsafeRawPointer?.self) else { return nil }
            let stride = ProtobufCLayout.elementSize(field.type)
            return .list((0..<count).compactMap { scalar(field, at: array + $0 * stride) })
        case PROTOBUF_C_LABEL_OPTIONAL where !ProtobufCLayout.isPointer(field.type):
            let has = message.load(fromByteOffset: Int(field.quantifier_offset), as: Int32.self)
            return has != 0 ? scalar(field, at: slot) : nil
        default:
            return scalar(field, at: slot)
        }
    }

    /// Reads one element of `field`'s type at `slot`; nil for a null string or message.
    private static func scalar(_ field: ProtobufCFieldDescriptor, at slot: UnsafeRawPointer) -> ProtoValue? {
        switch field.type {
        case PROTOBUF_C_TYPE_INT32, PROTOBUF_C_TYPE_SINT32, PROTOBUF_C_TYPE_SFIXED32, PROTOBUF_C_TYPE_ENUM:
            return .int(Int64(slot.load(as: Int32.self)))
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64:
            return .int(slot.load(as: Int64.self))
        case PROTOBUF_C_TYPE_UINT32, PROTOBUF_C_TYPE_FIXED32:
            return .uint(UInt64(slot.load(as: UInt32.self)))
        case PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_FIXED64:
            return .uint(slot.load(as: UInt64.self))
        case PROTOBUF_C_TYPE_FLOAT:
            return .double(Double(slot.load(as: Float.self)))
        case PROTOBUF_C_TYPE_DOUBLE:
            return .double(slot.load(as: Double.self))
        case PROTOBUF_C_TYPE_BOOL:
            return .bool(slot.load(as: Int32.self) != 0)
        case PROTOBUF_C_TYPE_STRING:
            guard let chars = slot.load(as: UnsafePointer<CChar>?.self) else { return nil }
            return .string(String(cString: chars))
        case PROTOBUF_C_TYPE_BYTES:
            let data = slot.load(as: ProtobufCBinaryData.self)
            guard data.len > 0, let bytes = data.data else { return .bytes([]) }
            return .bytes(Array(UnsafeBufferPointer(start: bytes, count: data.len)))
        case PROTOBUF_C_TYPE_MESSAGE:
            guard let sub = slot.load(as: UnsafeRawPointer?.self),
                  let subDescriptor = field.descriptor else { return nil }
            return .message(fields(of: sub, subDescriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)))
        default:
            return nil
        }
    }
}

/// Sizes of protobuf-c's in-memory field representations.
enum ProtobufCLayout {
    static func elementSize(_ type: ProtobufCType) -> Int {
        switch type {
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64,
             PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_FIXED64, PROTOBUF_C_TYPE_DOUBLE:
            return 8
        case PROTOBUF_C_TYPE_STRING, PROTOBUF_C_TYPE_MESSAGE:
            return MemoryLayout<UnsafeRawPointer>.stride
        case PROTOBUF_C_TYPE_BYTES:
            return MemoryLayout<ProtobufCBinaryData>.stride
        default:
            return 4
        }
    }

    static func isPointer(_ type: ProtobufCType) -> Bool {
        type == PROTOBUF_C_TYPE_STRING || type == PROTOBUF_C_TYPE_MESSAGE
    }
}
