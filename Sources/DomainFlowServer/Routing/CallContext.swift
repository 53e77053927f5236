import Logging
import NIOCore

/// What a handler knows about the call it serves.
public struct CallContext: Sendable {
    public let callID: UInt64
    public let methodName: String
    /// When the call's deadline passes (the call is then cancelled), or nil.
    public let deadline: NIODeadline?
    /// The client's process, when the socket reported it.
    public let peer: PeerCredentials?
    /// The client's name from its hello.
    public let clientName: String
    /// The session token the request carried (empty if none).
    public let authToken: String
    /// The connection's logger; `logger` adds the call's metadata when it is asked for (not on every call).
    let connectionLogger: Logger
    /// A logger whose lines name this call and its method.
    public var logger: Logger {
        var logger = connectionLogger
        logger[metadataKey: "call"] = "\(callID)"
        logger[metadataKey: "method"] = "\(methodName)"
        return logger
    }
    /// Who is calling; set before the handler runs for every method that is not anonymous.
    public internal(set) var principal: Principal?
}
