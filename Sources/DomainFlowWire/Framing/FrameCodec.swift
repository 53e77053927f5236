import NIOCore

/// Converts envelope frames to and from protobuf bytes. Encoding writes a whole frame
/// (length prefix included); decoding takes one frame's payload (the prefix already removed).
public enum FrameCodec {
    public static func encode(_ frame: ServerFrame, into buffer: inout ByteBuffer) throws(WireError) {
        if case .response(let response) = frame, case .typed(let message) = response.body,
           EnvelopeFastPath.encode(response, message, into: &buffer) {
            return
        }
        if case .status(let status) = frame {
            EnvelopeFastPath.encode(status, into: &buffer)
            return
        }
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
        if case .request(let request) = frame, case .typed(let message) = request.body,
           EnvelopeFastPath.encode(request, message, into: &buffer) {
            return
        }
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
        try unpack(payload, as: .clientFrame) { frame in
            switch frame.oneofCase(0) {
            case 1: frame.subMessage(0).map { .hello(Hello(fields: $0.fields)) } ?? .unknown
            case 2: frame.subMessage(1).map { .request(EnvelopeFastPath.request($0)) } ?? .unknown
            case 3: frame.subMessage(2).map { .cancel(callID: $0.fields.uint64(1)) } ?? .unknown
            default: .unknown
            }
        }
    }

    public static func decodeServerFrame(_ payload: ByteBuffer) throws(WireError) -> ServerFrame {
        try unpack(payload, as: .serverFrame) { (frame) throws(WireError) -> ServerFrame in
            switch frame.oneofCase(0) {
            case 1:
                guard let reply = frame.subMessage(0), let decoded = try? HelloReply(fields: reply.fields) else {
                    throw .malformedMessage("HelloReply")
                }
                return .helloReply(decoded)
            case 2: return frame.subMessage(1).map { .response(EnvelopeFastPath.response($0)) } ?? .unknown
            case 3: return frame.subMessage(2).map { .status(Status(protobufC: $0)) } ?? .unknown
            default: return .unknown
            }
        }
    }

    /// Unpacks one frame's payload as `schema` (the frame kinds are its fields 1-3, in one oneof) for `body`.
    private static func unpack<R>(_ payload: ByteBuffer, as schema: ProtoSchema,
                                  _ body: (ProtobufCReader) throws(WireError) -> R) throws(WireError) -> R {
        do {
            return try payload.withUnsafeReadableBytes { bytes in try ProtobufCDecoder.unpack(bytes, as: schema, body) }
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
