import DomainFlowWire
import Foundation

/// Who is making a call, once authenticated.
public struct Principal: Sendable, Equatable {
    public let userID: UUID
    public let username: String
    public let role: Role
    /// The session used, or nil when the peer's uid was trusted.
    public let sessionID: UUID?
    public let sessionExpiresAt: Date?
    public let mustChangePassword: Bool

    public var isAdmin: Bool { role == .admin }
}
