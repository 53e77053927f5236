import DomainFlowStore
import DomainFlowWire
import Foundation

/// The users service: Login, Logout, WhoAmI, ChangePassword, and the admin RPCs.
/// Every change writes its audit row in the same transaction.
enum UsersService {
    static let invalidCredentials = RPCError(.unauthenticated, "invalid username or password")

    static func register(into router: inout Router, auth: Authenticator) {
        let pool = auth.store.pool

        router.unary(Methods.login) { request, context in
            try await login(request, context: context, auth: auth)
        }

        router.unary(Methods.logout) { _, context in
            let principal = try context.requirePrincipal()
            try await pool.withTransaction { c in
                if let session = principal.sessionID { try c.run(Sessions.revoke(id: session)) }
                try AuditRecorder.record(c, context: context, userID: principal.userID, action: "logout",
                                         resourceType: "session", resourceID: principal.sessionID)
            }
            auth.forgetSessions(of: principal.userID)
            return .init()
        }

        router.unary(Methods.whoAmI) { _, context in
            let principal = try context.requirePrincipal()
            let row = try await pool.run(Users.find(id: principal.userID), retryTransient: true)
            guard let row else { throw RPCError(.unauthenticated, "the user no longer exists") }
            return WhoAmIResponse(user: row.info, sessionExpiresAtMicros: principal.sessionExpiresAt.map(Micros.of) ?? 0,
                                  viaPeerCredentials: principal.sessionID == nil)
        }

        router.unary(Methods.changePassword) { request, context in
            let principal = try context.requirePrincipal()
            try InputValidation.password(request.newPassword, username: principal.username, field: "new_password")
            let row = try await pool.run(Users.find(id: principal.userID), retryTransient: true)
            guard let row, try await auth.verifyPassword(request.currentPassword, against: row.passwordHash) else {
                throw RPCError(.permissionDenied, "current_password is wrong")
            }
            guard request.newPassword != request.currentPassword else {
                throw RPCError.invalidArgument("new_password: must differ from the current password")
            }
            let hash = try await auth.hashPassword(request.newPassword)
            try await pool.withTransaction { c in
                try c.run(Users.setPassword(id: principal.userID, hash: hash, mustChange: false))
                // Other sessions of the user end; this one stays.
                try c.run(Sessions.revokeAll(of: principal.userID, keeping: principal.sessionID))
                try AuditRecorder.record(c, context: context, userID: principal.userID, action: "password_change",
                                         resourceType: "user", resourceID: principal.userID)
            }
            auth.forgetSessions(of: principal.userID)
            return .init()
        }

        router.unary(Methods.createUser) { request, context in
            let principal = try context.requirePrincipal()
            try InputValidation.username(request.username)
            try InputValidation.email(request.email)
            try InputValidation.password(request.password, username: request.username)
            let role = InputValidation.role(request.role, default: .user)
            let hash = try await auth.hashPassword(request.password)
            return try await pool.withTransaction { c in
                let row = try c.run(Users.create(username: request.username, email: request.email, passwordHash: hash,
                                                 roleName: role.description, mustChangePassword: false))
                try AuditRecorder.record(c, context: context, userID: principal.userID, action: "user_create",
                                         resourceType: "user", resourceID: row.id,
                                         details: ["username": row.username, "email": row.email, "role": role.description])
                return row.info
            }
        }

        router.unary(Methods.listUsers) { request, _ in
            let (limit, offset) = try Paging.bounds(request.pageSize, request.pageToken)
            let rows = try await pool.run(Users.list(limit: limit + 1, offset: offset), retryTransient: true)
            let page = Paging.page(rows, limit: limit, offset: offset)
            return ListUsersResponse(users: page.items.map(\.info), nextPageToken: page.nextPageToken)
        }

        router.unary(Methods.getUser) { request, _ in
            let id = try Paging.uuid(request.id, field: "id")
            let row = try await pool.run(Users.find(id: id), retryTransient: true)
            guard let row else { throw RPCError(.notFound, "no user \(request.id)") }
            return row.info
        }

        router.unary(Methods.updateUser) { request, context in
            let principal = try context.requirePrincipal()
            let id = try Paging.uuid(request.id, field: "id")
            if !request.email.isEmpty { try InputValidation.email(request.email) }
            if id == principal.userID, request.active == .deactivate || (request.role != .unspecified && request.role != .admin) {
                throw RPCError(.failedPrecondition, "admins cannot deactivate or demote themselves")
            }
            let active: Bool? = switch request.active {
            case .activeUnchanged: nil
            case .activate: true
            case .deactivate: false
            }
            let row = try await pool.withTransaction { c -> UserRecord in
                guard let updated = try c.run(Users.update(
                    id: id, roleName: request.role == .unspecified ? nil : request.role.description,
                    email: request.email.isEmpty ? nil : request.email, isActive: active))
                else { throw RPCError(.notFound, "no user \(request.id)") }
                if request.active == .deactivate { try c.run(Sessions.revokeAll(of: id, keeping: nil)) }
                var changes: [String: Any] = [:]
                if request.role != .unspecified { changes["role"] = request.role.description }
                if !request.email.isEmpty { changes["email"] = request.email }
                if request.active != .activeUnchanged { changes["is_active"] = request.active == .activate }
                try AuditRecorder.record(c, context: context, userID: principal.userID, action: "user_update",
                                         resourceType: "user", resourceID: id, details: ["changes": changes])
                return updated
            }
            auth.forgetSessions(of: id)
            return row.info
        }

        router.unary(Methods.deleteUser) { request, context in
            let principal = try context.requirePrincipal()
            let id = try Paging.uuid(request.id, field: "id")
            guard id != principal.userID else { throw RPCError(.failedPrecondition, "admins cannot delete themselves") }
            try await pool.withTransaction { c in
                guard let row = try c.run(Users.find(id: id)) else {
                    throw RPCError(.notFound, "no user \(request.id)")
                }
                try c.run(Users.delete(id: id))  // sessions cascade
                try AuditRecorder.record(c, context: context, userID: principal.userID, action: "user_delete",
                                         resourceType: "user", resourceID: id, details: ["username": row.username])
            }
            auth.forgetSessions(of: id)
            return .init()
        }

        router.unary(Methods.resetPassword) { request, context in
            let principal = try context.requirePrincipal()
            let id = try Paging.uuid(request.id, field: "id")
            try InputValidation.password(request.newPassword, field: "new_password")
            let hash = try await auth.hashPassword(request.newPassword)
            try await pool.withTransaction { c in
                guard try c.run(Users.setPassword(id: id, hash: hash, mustChange: true)) == 1 else {
                    throw RPCError(.notFound, "no user \(request.id)")
                }
                try c.run(Sessions.revokeAll(of: id, keeping: nil))
                try AuditRecorder.record(c, context: context, userID: principal.userID, action: "password_reset",
                                         resourceType: "user", resourceID: id)
            }
            auth.forgetSessions(of: id)
            return .init()
        }
    }

    private static func login(_ request: LoginRequest, context: CallContext, auth: Authenticator) async throws -> LoginResponse {
        let pool = auth.store.pool
        guard !request.login.isEmpty, request.login.utf8.count <= 254 else {
            throw RPCError.invalidArgument("login: a username or email of 1 to 254 characters")
        }
        let keys = ["login:" + request.login.lowercased()] + (context.peer.map { ["peer:\($0.uid)"] } ?? [])
        if let wait = auth.throttle.lockout(for: keys) {
            try await pool.withTransaction { c in
                try AuditRecorder.record(c, context: context, userID: nil, action: "login_failed",
                                         details: ["login": request.login, "reason": "throttled"])
            }
            throw RPCError(.resourceExhausted,
                           "too many failed logins; try again in \(max(1, wait.components.seconds)) s")
        }
        let row = try await pool.run(Users.find(login: request.login), retryTransient: true)
        let matches = try await auth.verifyPassword(request.password, against: row?.passwordHash)
        guard matches, let row, row.isActive else {
            auth.throttle.recordFailure(for: keys)
            let reason = row == nil ? "unknown_user" : (matches ? "inactive" : "wrong_password")
            try await pool.withTransaction { c in
                try AuditRecorder.record(c, context: context, userID: row?.id, action: "login_failed",
                                         resourceType: row == nil ? nil : "user", resourceID: row?.id,
                                         details: ["login": request.login, "reason": reason])
            }
            throw invalidCredentials
        }
        auth.throttle.recordSuccess(for: keys[0])
        let token = SessionToken.generate()
        let lifetime = Double(auth.configuration.sessionLifetime.components.seconds)
        let expiresAt = try await pool.withTransaction { c -> Date in
            let session = try c.run(Sessions.create(userID: row.id, token: token, lifetime: lifetime,
                                                    peerUID: context.peer.map { Int64($0.uid) },
                                                    peerPID: context.peer.map { Int64($0.pid) }))
            try c.run(Users.touchLastLogin(id: row.id))
            try AuditRecorder.record(c, context: context, userID: row.id, action: "login",
                                     resourceType: "session", resourceID: session.id)
            return session.expiresAt
        }
        return LoginResponse(token: token, expiresAtMicros: Micros.of(expiresAt), user: row.info)
    }
}

/// Page bounds and id parsing shared by list and get RPCs.
enum Paging {
    /// (limit, offset) from a page size (0: 50, at most 500) and a page token (an offset).
    static func bounds(_ pageSize: UInt32, _ token: String) throws -> (Int, Int) {
        let limit = pageSize == 0 ? 50 : Int(min(pageSize, 500))
        guard token.isEmpty || Int(token).map({ $0 >= 0 }) == true else {
            throw RPCError.invalidArgument("page_token: not a token this server issued")
        }
        return (limit, Int(token) ?? 0)
    }

    /// The page of `rows` (fetched with `limit + 1`) and the token of the next page ("" on the last).
    static func page<T>(_ rows: [T], limit: Int, offset: Int) -> (items: [T], nextPageToken: String) {
        (Array(rows.prefix(limit)), rows.count > limit ? String(offset + limit) : "")
    }

    static func uuid(_ text: String, field: String) throws -> UUID {
        guard let id = UUID(canonicalText: text) else { throw RPCError.invalidArgument("\(field): not a UUID: '\(text)'") }
        return id
    }
}

extension CallContext {
    /// The authenticated principal; every non-anonymous method has one.
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw RPCError(.unauthenticated, "this call needs a session") }
        return principal
    }
}
