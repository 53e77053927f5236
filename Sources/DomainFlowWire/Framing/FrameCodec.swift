import NIOCore

/// Converts envelope frames to and from protobuf bytes. Encoding writes a whole frame
/// (length prefix included); decoding takes one frame's payload (the prefix already removed).
public enum FrameCodec {
    public static func encode(_ frame: ServerFrame, into buffer: inout ByteBuffer) throws(WireError) {
        let fields: ProtoFields
        switch frame {
        case .helloReply(let reply): fields = [1: .of(reply)]
        case .response(let response): fields = [2: .message(response.fields)]
        case .status(let status): fields = [3: .of(status)]
        case .unknown: fields = ProtoFields()
        }
        try ProtobufCEncoder.encode(fields, as: .serverFrame, into: &buffer, lengthPrefixed: true)
    }

    public static func encode(_ frame: ClientFrame, into buffer: inout ByteBuffer) throws(WireError) {
        let fields: ProtoFields
        switch frame {
        case .hello(let hello): fields = [1: .of(hello)]
        case .request(let request): fields = [2: .message(request.fields)]
        case .cancel(let callID): fields = [3: .message([1: .uint(callID)])]
        case .unknown: fields = ProtoFields()
        }
        try ProtobufCEncoder.encode(fields, as: .clientFrame, into: &buffer, lengthPrefixed: true)
    }

    public static func decodeClientFrame(_ payload: ByteBuffer) throws(WireError) -> ClientFrame {
        let fields = try decode(payload, as: .clientFrame)
        if let hello = fields.message(1) { return .hello(Hello(fields: hello)) }
        if let request = fields.message(2) { return .request(Request(fields: request)) }
        if let cancel = fields.message(3) { return .cancel(callID: cancel.uint64(1)) }
        return .unknown
    }

    public static func decodeServerFrame(_ payload: ByteBuffer) throws(WireError) -> ServerFrame {
        let fields = try decode(payload, as: .serverFrame)
        if let reply = fields.message(1) {
            guard let decoded = try? HelloReply(fields: reply) else { throw .malformedMessage("HelloReply") }
            return .helloReply(decoded)
        }
        if let response = fields.message(2) { return .response(Response(fields: response)) }
        if let status = fields.message(3) { return .status(Status(fields: status)) }
        return .unknown
    }

    private static func decode(_ payload: ByteBuffer, as schema: ProtoSchema) throws(WireError) -> ProtoFields {
        do {
            return try payload.withUnsafeReadableBytes { bytes in try ProtobufCDecoder.decode(bytes, as: schema) }
        } catch let error as WireError {
            throw error
        } catch {
            throw .malformedMessage(schema.fullName)
        }
    }

    /// Encodes a standalone message (no envelope, no prefix); for tests and tools.
    public static func encodeMessage(_ fields: ProtoFields, as schema: ProtoSchema) throws(WireError) -> [UInt8] {
        try ProtobufCEncoder.encode(fields, as: schema)
    }

    /// Decodes a standalone message (no envelope, no prefix); for tests and tools.
    public static func decodeMessage(_ bytes: [UInt8], as schema: ProtoSchema) throws(WireError) -> ProtoFields {
        do {
            return try bytes.withUnsafeBytes { raw in try ProtobufCDecoder.decode(raw, as: schema) }
        } catch let error as WireError {
            throw error
        } catch {
            throw .malformedMessage(schema.fullName)
        }
    }
}
