import NIOCore

/// The envelope frames that carry calls (`Request` in a `ClientFrame`, `Response` in a `ServerFrame`),
/// read and built straight from and into protobuf-c's C messages: the method's message is decoded into, or
/// encoded from, its generated type (`Methods.requestType`, `.responseType`) without `ProtoFields`.
enum EnvelopeFastPath {
    private static let requestIndexes = Indexes(ProtoSchema.clientFrame.subSchema(2)!)
    private static let responseIndexes = Indexes(ProtoSchema.serverFrame.subSchema(2)!)

    /// Where the envelope's fields are in a descriptor's field list.
    private struct Indexes {
        let callID: Int, timeout: Int, token: Int, firstMethod: Int
        init(_ schema: ProtoSchema) {
            callID = schema.fieldIndex(1)!
            timeout = schema.fieldIndex(2) ?? -1
            token = schema.fieldIndex(3) ?? -1
            firstMethod = schema.fieldIndex(firstMethodNumber)!
        }
    }

    /// A `Request` from its unpacked C message.
    static func request(_ r: ProtobufCReader) -> Request {
        let at = requestIndexes
        let (method, body) = methodBody(r, firstMethod: at.firstMethod, type: Methods.requestType, keepUnknown: true)
        return Request(callID: r.uint64(at.callID), timeoutMillis: r.uint32(at.timeout), authToken: r.string(at.token),
                       method: method, body: body)
    }

    /// A `Response` from its unpacked C message.
    static func response(_ r: ProtobufCReader) -> Response {
        let (method, body) = methodBody(r, firstMethod: responseIndexes.firstMethod, type: Methods.responseType, keepUnknown: false)
        return Response(callID: r.uint64(responseIndexes.callID), method: method, body: body)
    }

    /// The method oneof: its number (with `keepUnknown`, an unknown one's too: a request for a method this side does
    /// not know is UNIMPLEMENTED, not malformed) and its message, typed when the generated model takes it (else its
    /// fields, so that decoding it again names the error).
    private static func methodBody(_ r: ProtobufCReader, firstMethod: Int, type: (UInt32) -> (any WireMessage.Type)?,
                                   keepUnknown: Bool) -> (UInt32, MessageBody) {
        let number = r.oneofCase(firstMethod)
        guard number != 0 else {
            let unknown = keepUnknown ? r.unknownFieldNumbers.first { $0 >= firstMethodNumber } : nil
            return (unknown ?? 0, .fields(ProtoFields()))
        }
        guard let index = r.index(ofField: number), let sub = r.subMessage(index) else { return (number, .fields(ProtoFields())) }
        guard let messageType = type(number) else { return (number, .fields(sub.fields)) }
        do {
            return (number, .typed(try messageType.init(protobufC: sub)))
        } catch {
            return (number, .fields(sub.fields))
        }
    }

    /// Appends `request`, whose body is `message`, as a whole `ClientFrame` (length prefix included); false when
    /// the envelope has no such method (the caller then takes the generic path, which names the error).
    static func encode(_ request: Request, _ message: any WireMessage, into buffer: inout ByteBuffer) -> Bool {
        guard request.method >= firstMethodNumber else { return false }
        return encodeFrame(.clientFrame, kind: 2, into: &buffer) { envelope in
            let at = requestIndexes
            envelope.uint64(at.callID, request.callID)
            envelope.uint32(at.timeout, request.timeoutMillis)
            envelope.string(at.token, request.authToken)
            return envelope.oneofMessage(number: request.method) { message.write(protobufC: $0) }
        }
    }

    /// Appends `response`, whose body is `message`, as a whole `ServerFrame`; false as for requests.
    static func encode(_ response: Response, _ message: any WireMessage, into buffer: inout ByteBuffer) -> Bool {
        guard response.method >= firstMethodNumber else { return false }
        return encodeFrame(.serverFrame, kind: 2, into: &buffer) { envelope in
            envelope.uint64(responseIndexes.callID, response.callID)
            return envelope.oneofMessage(number: response.method) { message.write(protobufC: $0) }
        }
    }

    /// Appends `status` as a whole `ServerFrame`.
    static func encode(_ status: Status, into buffer: inout ByteBuffer) {
        _ = encodeFrame(.serverFrame, kind: 3, into: &buffer, expectedBytes: 256 + status.message.utf8.count) { written in
            status.write(protobufC: written)
            return true
        }
    }

    /// Builds a `schema` frame whose `kind` oneof is field `kind`, written by `write`, and appends it packed when
    /// `write` says it could write everything and no generic write inside failed (else nothing is appended and the
    /// caller's generic path reports the error).
    private static func encodeFrame(_ schema: ProtoSchema, kind: UInt32, into buffer: inout ByteBuffer, expectedBytes: Int = 2048,
                                    _ write: (ProtobufCWriter) -> Bool) -> Bool {
        var arena = ScratchArena(expectedBytes: expectedBytes)
        return withUnsafeMutablePointer(to: &arena) { arena in
            let frame = ProtobufCWriter(descriptor: schema.descriptor, arena: arena)
            var complete = false
            _ = frame.oneofMessage(number: kind) { complete = write($0) }
            complete = complete && arena.pointee.failure == nil
            if complete { ProtobufCEncoder.pack(frame.message, into: &buffer, lengthPrefixed: true) }
            return complete
        }
    }
}
