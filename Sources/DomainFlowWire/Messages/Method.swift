/// Whether a method answers once or streams.
public enum CallKind: Sendable {
    case unary
    case serverStreaming
}

/// A typed RPC method: its number in the `Request.method` / `Response.method` oneofs, its
/// name, and its request and response types. Server and client share these values; who may call
/// a method is the server's business (`MethodAccess`).
public struct Method<Input: WireMessage, Output: WireMessage>: Sendable {
    public let number: UInt32
    public let name: String
    public let kind: CallKind

    public init(number: UInt32, name: String, kind: CallKind = .unary) {
        self.number = number
        self.name = name
        self.kind = kind
    }
}
