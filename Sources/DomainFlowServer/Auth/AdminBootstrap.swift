import DomainFlowStore
import DomainFlowWire
import Foundation
import Logging
import NIOPosix

/// Admin accounts made by the server itself: on first start (no users at all) and by
/// `domainflow-server create-admin`. No default password exists: each is random (or taken
/// from `DOMAINFLOW_ADMIN_PASSWORD`), shown once, and must be changed at first login.
public enum AdminBootstrap {
    public struct Created: Sendable {
        public let username: String
        public let password: String
        public let generated: Bool
    }

    /// Creates `admin` when the users table is empty; returns what it created, or nil.
    public static func ensureAdmin(store: Store, bcryptCost: Int = 12, logger: Logger) async throws -> Created? {
        let count = try await store.pool.withConnection { try $0.run(Users.count()) }
        guard count == 0 else { return nil }
        do {
            let created = try await createAdmin(store: store, username: "admin", email: "admin@domainflow.local",
                                                bcryptCost: bcryptCost)
            if created.generated {
                logger.notice("created the first admin user: username 'admin', one-time password '\(created.password)' (shown once; it must be changed at first login: domainflow login, then domainflow passwd)")
            } else {
                logger.notice("created the first admin user 'admin' with the password from DOMAINFLOW_ADMIN_PASSWORD (it must be changed at first login)")
            }
            return created
        } catch let error as StoreError where error.kind == .alreadyExists {
            return nil  // another server created it at the same moment
        }
    }

    /// Creates an admin with a random password (or `DOMAINFLOW_ADMIN_PASSWORD`), audited as done by the system.
    public static func createAdmin(store: Store, username: String, email: String, bcryptCost: Int = 12) async throws -> Created {
        try InputValidation.username(username)
        try InputValidation.email(email)
        let fromEnvironment = ProcessInfo.processInfo.environment["DOMAINFLOW_ADMIN_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        let password = fromEnvironment ?? SessionToken.password()
        if fromEnvironment != nil { try InputValidation.password(password, username: username, field: "DOMAINFLOW_ADMIN_PASSWORD") }
        let hasher = PasswordHasher(cost: bcryptCost)
        let hash = try await NIOThreadPool.singleton.runIfActive { try hasher.hash(password) }
        try await store.pool.withTransaction { c in
            let row = try c.run(Users.create(username: username, email: email, passwordHash: hash,
                                             roleName: Role.admin.description, mustChangePassword: true))
            try AuditRecorder.write(c, userID: nil, action: "user_create", resourceType: "user", resourceID: row.id,
                                    details: ["by": "server", "role": "admin", "username": username],
                                    userAgent: "domainflow-server")
        }
        return Created(username: username, password: password, generated: fromEnvironment == nil)
    }
}
