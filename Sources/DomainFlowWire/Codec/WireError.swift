/// A failure of the wire layer: framing or protobuf encoding/decoding.
public enum WireError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A frame announced more bytes than the limit allows.
    case frameTooLarge(announced: Int, limit: Int)
    /// protobuf-c could not parse the bytes as the named message.
    case malformedMessage(String)
    /// A field number the schema does not declare (a bug in a `WireMessage` conformance).
    case unknownField(String, UInt32)
    /// A value of the wrong kind for the named field (a bug in a `WireMessage` conformance).
    case typeMismatch(String)
    case encodingFailed(String)

    public var description: String {
        switch self {
        case .frameTooLarge(let announced, let limit): "frame of \(announced) bytes exceeds the limit of \(limit) bytes"
        case .malformedMessage(let name): "bytes are not a valid \(name) protobuf message"
        case .unknownField(let message, let number): "\(message) has no field \(number)"
        case .typeMismatch(let field): "wrong value type for field \(field)"
        case .encodingFailed(let reason): "encoding failed: \(reason)"
        }
    }
}
