import DomainFlowWire

/// Errors a client call can throw besides the server's `RPCError` statuses.
public enum ClientError: Error, Sendable, CustomStringConvertible {
    /// The connection closed (or failed) before the call ended.
    case connectionClosed(String)
    /// The server's hello reply was missing or refused the connection.
    case handshakeFailed(RPCError)

    public var description: String {
        switch self {
        case .connectionClosed(let reason): "connection closed: \(reason)"
        case .handshakeFailed(let error): "handshake failed: \(error)"
        }
    }

    /// The status code this error stands for (UNAVAILABLE for a lost connection).
    public var code: StatusCode {
        switch self {
        case .connectionClosed: .unavailable
        case .handshakeFailed(let error): error.code
        }
    }
}
