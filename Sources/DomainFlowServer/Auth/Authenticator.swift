import DomainFlowStore
import DomainFlowWire
import Foundation
import NIOConcurrencyHelpers
import NIOPosix

/// Turns a call's credentials (session token, or a trusted peer uid) into a `Principal`
/// and checks it against the method's `Access`: the one place authorisation happens.
///
/// Validated sessions are cached for `cacheTTL` so that a busy client does not cost a
/// database write per call; the sliding expiry is pushed forward at most that often.
/// Revocations made by this server drop its cache entries at once; another server
/// sharing the database sees them within `cacheTTL`.
final class Authenticator: Sendable {
    let configuration: AuthConfiguration
    let store: Store
    let hasher: PasswordHasher
    let throttle: LoginThrottle
    /// A hash of a random password, verified against when the login names no user, so an
    /// unknown user costs what a wrong password costs.
    let dummyHash: String
    /// Recently validated credentials: session tokens, and `peer:<uid>` for trusted peers.
    private let cache = NIOLockedValueBox<[String: (principal: Principal, checkedAt: ContinuousClock.Instant)]>([:])
    let cacheTTL: Duration = .seconds(5)

    init(configuration: AuthConfiguration, store: Store) throws {
        self.configuration = configuration
        self.store = store
        hasher = PasswordHasher(cost: configuration.bcryptCost)
        throttle = LoginThrottle(configuration: configuration)
        dummyHash = try hasher.hash(SessionToken.generate())
    }

    /// The principal of a call needing `access`, or the error to end it with.
    func authorize(_ access: Access, methodNumber: UInt32, context: CallContext) async throws -> Principal? {
        guard access != .anonymous else { return nil }
        let principal = try await authenticate(token: context.authToken, peer: context.peer)
        switch access {
        case .anonymous, .reader:
            break
        case .writer:
            guard principal.role != .viewer else {
                throw RPCError(.permissionDenied, "\(context.methodName) changes data; viewers may only read")
            }
        case .admin:
            guard principal.role == .admin else {
                throw RPCError(.permissionDenied, "\(context.methodName) is for admins only")
            }
        }
        if principal.mustChangePassword, !Self.allowedBeforePasswordChange.contains(methodNumber) {
            throw RPCError(.failedPrecondition, "the password of \(principal.username) must be changed first (domainflow passwd)")
        }
        return principal
    }

    static let allowedBeforePasswordChange: Set<UInt32> = [
        Methods.changePassword.number, Methods.whoAmI.number, Methods.logout.number,
    ]

    private func authenticate(token: String, peer: PeerCredentials?) async throws -> Principal {
        if !token.isEmpty { return try await session(token) }
        if let peer, let username = configuration.trustedPeers[peer.uid] {
            let key = "peer:\(peer.uid)"
            if let cached = cache.withLockedValue({ $0[key] }), ContinuousClock.now - cached.checkedAt < cacheTTL {
                return cached.principal
            }
            let row = try await store.pool.run(Users.find(username: username), retryTransient: true)
            guard let row, row.isActive else {
                throw RPCError(.unauthenticated, "peer uid \(peer.uid) maps to \(username), which is not an active user")
            }
            let principal = Principal(userID: row.id, username: row.username, role: row.role, sessionID: nil,
                                      sessionExpiresAt: nil, mustChangePassword: false)
            cache.withLockedValue { $0[key] = (principal, .now) }
            return principal
        }
        throw RPCError(.unauthenticated, "this call needs a session: log in first (domainflow login)")
    }

    private func session(_ token: String) async throws -> Principal {
        let now = ContinuousClock.now
        if let cached = cache.withLockedValue({ $0[token] }), now - cached.checkedAt < cacheTTL,
           (cached.principal.sessionExpiresAt ?? .distantFuture) > Date() {
            return cached.principal
        }
        let lifetime = Double(configuration.sessionLifetime.components.seconds)
        let session = try await store.pool.withConnection(retryTransient: true) { c in
            try c.run(Sessions.use(token: token, lifetime: lifetime))
        }
        guard let session, let role = Role(name: session.roleName) else {
            cache.withLockedValue { _ = $0.removeValue(forKey: token) }
            throw RPCError(.unauthenticated, "the session is invalid, expired or revoked: log in again")
        }
        let principal = Principal(userID: session.userID, username: session.username, role: role, sessionID: session.id,
                                  sessionExpiresAt: session.expiresAt, mustChangePassword: session.mustChangePassword)
        cache.withLockedValue { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[token] = (principal, now)
        }
        return principal
    }

    /// Drops cached sessions of `userID` (after logout, deactivation, deletion, password change).
    func forgetSessions(of userID: UUID) {
        cache.withLockedValue { $0 = $0.filter { $0.value.principal.userID != userID } }
    }

    /// Runs bcrypt off the event loop and the cooperative pool.
    func hashPassword(_ password: String) async throws -> String {
        let hasher = self.hasher
        return try await NIOThreadPool.singleton.runIfActive { try hasher.hash(password) }
    }

    func verifyPassword(_ password: String, against hash: String?) async throws -> Bool {
        let hasher = self.hasher
        let stored = hash ?? dummyHash
        let matches = try await NIOThreadPool.singleton.runIfActive { hasher.verify(password, against: stored) }
        return hash != nil && matches
    }
}

extension UserRecord {
    /// The stored role; an unknown one (never written by this server) counts as viewer.
    var role: Role { Role(name: roleName) ?? .viewer }

    var info: User {
        User(id: id.lowercasedString, username: username, email: email, role: role, isActive: isActive,
             createdAtMicros: createdAt.map(Micros.of) ?? 0, lastLoginMicros: lastLogin.map(Micros.of) ?? 0,
             mustChangePassword: mustChangePassword)
    }
}

/// Unix-epoch microseconds, the protocol's time unit.
enum Micros {
    static func of(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }
    static func date(_ micros: Int64) -> Date { Date(timeIntervalSince1970: Double(micros) / 1_000_000) }
}
