/// How calls are authenticated.
public struct AuthConfiguration: Sendable {
    /// Idle lifetime of a session; every call slides it forward.
    public var sessionLifetime: Duration = .seconds(12 * 3600)
    public var bcryptCost = 12
    /// Peer uids that map to users without a password (`--trust-peer-uid UID=USERNAME`). Empty by default.
    public var trustedPeers: [UInt32: String] = [:]
    /// Failed logins per user or per peer before further attempts are refused for a while.
    public var maxFailedLogins = 5
    /// How long failures are remembered, and the first lockout (doubling with each further failure).
    public var failureWindow: Duration = .seconds(15 * 60)
    public var firstLockout: Duration = .seconds(30)

    public init() {}
}

/// Whether the server authenticates calls. Only protocol tests of a server without a
/// store turn it off; the executable always requires it.
public enum Authentication: Sendable {
    case required(AuthConfiguration)
    case disabled
}
