import DomainFlowWire
import NIOCore

/// The fuzzer's seed corpus: for every method of the protocol, a connection's bytes — a hello, a request of that
/// method with every field of its request set (nested messages too), and a cancel — plus a server's answer.
public enum FuzzSeeds {
    /// One seed per method, named by the method's request type.
    public static func all() -> [(name: String, bytes: [UInt8])] {
        ProtoSchema.methodNumbers.compactMap { method in
            guard let schema = ProtoSchema.request(ofMethod: method) else { return nil }
            var buffer = ByteBuffer()
            do {
                try FrameCodec.encode(.hello(Hello(clientName: "fuzz-seed")), into: &buffer)
                let request = Request(callID: UInt64(method), timeoutMillis: 1000, authToken: "token", method: method,
                                      message: sample(schema))
                try FrameCodec.encode(.request(request), into: &buffer)
                try FrameCodec.encode(.cancel(callID: UInt64(method)), into: &buffer)
                try FrameCodec.encode(.status(Status(callID: UInt64(method), code: .notFound, message: "no such thing")), into: &buffer)
            } catch {
                preconditionFailure("seed for \(schema.fullName) does not encode: \(error)")
            }
            return (schema.fullName, Array(buffer.readableBytesView))
        }
    }

    /// A message of `schema` with every field set (one member of each oneof), nested messages to a few levels.
    public static func sample(_ schema: ProtoSchema, depth: Int = 0) -> ProtoFields {
        var fields = ProtoFields()
        var oneofTaken = false
        for field in schema.fieldList {
            if field.isInOneof {
                if oneofTaken { continue }
                oneofTaken = true
            }
            let value: ProtoValue?
            switch field.kind {
            case .string: value = .string("example-\(field.number).com")
            case .bytes: value = .bytes([0, 1, 2, 0xFF])
            case .bool: value = .bool(true)
            case .enumeration: value = schema.enumValues(ofField: field.number).last.map { .int(Int64($0.number)) }
            case .floatingPoint: value = .double(1.5)
            case .signedInteger: value = .int(-7)
            case .unsignedInteger: value = .uint(7)
            case .message:
                value = depth < 3 ? schema.subSchema(field.number).map { .message(sample($0, depth: depth + 1)) } : nil
            }
            guard let value else { continue }
            fields[field.number] = field.isRepeated ? .list([value, value]) : value
        }
        return fields
    }
}
