/// Whether a method answers once or streams.
public enum CallKind: Sendable {
    case unary
    case serverStreaming
}

/// A typed RPC method: its number in the `Request.method` / `Response.method` oneofs, its
/// name, and its request and response types. Server and client share these values.
public struct Method<Input: WireMessage, Output: WireMessage>: Sendable {
    public let number: UInt32
    public let name: String
    public let kind: CallKind
    /// Whether the call is allowed without a session (hello-time calls such as Ping and Login).
    public let allowsAnonymous: Bool

    public init(number: UInt32, name: String, kind: CallKind, allowsAnonymous: Bool = false) {
        self.number = number
        self.name = name
        self.kind = kind
        self.allowsAnonymous = allowsAnonymous
    }
}

/// Every method of the protocol, by service.
public enum Methods {
    public static let ping = Method<PingRequest, PingResponse>(number: 16, name: "Ping", kind: .unary, allowsAnonymous: true)
    public static let serverInfo = Method<Empty, ServerInfo>(number: 17, name: "ServerInfo", kind: .unary)
    public static let watchServerStats = Method<WatchServerStatsRequest, ServerStats>(
        number: 18, name: "WatchServerStats", kind: .serverStreaming)
}
