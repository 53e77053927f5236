import DomainFlowClient
import DomainFlowServer
@testable import DomainFlowStore
import DomainFlowTestSupport
import DomainFlowWire
import Foundation
import Glibc
import Testing

/// A server with a store and authentication, an admin whose password was changed, and helpers.
struct AuthHarness {
    let server: TestServer
    let store: Store
    let adminPassword = "correct horse battery staple"

    static func with(_ configure: (inout AuthConfiguration) -> Void = { _ in }, secrets: SecretBox? = nil,
                     server configureServer: (inout ServerConfiguration) -> Void = { _ in },
                     _ body: (AuthHarness) async throws -> Void) async throws {
        let store = try await TestDatabase.store()
        var auth = AuthConfiguration()
        auth.bcryptCost = 4  // the minimum, to keep tests fast; the server's default is 12
        configure(&auth)
        let created = try await AdminBootstrap.createAdmin(store: store, username: "admin", email: "admin@example.com",
                                                           bcryptCost: 4)
        try await TestServer.with({
            $0.store = store; $0.authentication = .required(auth); $0.secrets = secrets
            configureServer(&$0)
        }) { server in
            let harness = AuthHarness(server: server, store: store)
            // First login must change the one-time password.
            let client = try await server.client()
            client.authToken = try await client.unary(Methods.login, LoginRequest(login: "admin", password: created.password)).token
            _ = try await client.unary(Methods.changePassword,
                                       ChangePasswordRequest(currentPassword: created.password, newPassword: harness.adminPassword))
            await client.close()
            try await body(harness)
        }
        await store.shutdown()
    }

    /// A client logged in as `login`.
    func client(_ login: String, _ password: String, name: String = "auth-test") async throws -> DomainFlowClient {
        let client = try await server.client(name: name)
        client.authToken = try await client.unary(Methods.login, LoginRequest(login: login, password: password)).token
        return client
    }

    func admin() async throws -> DomainFlowClient { try await client("admin", adminPassword) }

    func createUser(_ name: String, role: Role = .user, password: String = "a long enough password") async throws -> User {
        let admin = try await admin()
        defer { Task { await admin.close() } }
        return try await admin.unary(Methods.createUser,
            CreateUserRequest(username: name, email: "\(name)@example.com", password: password, role: role))
    }

    func count(_ sql: String) async throws -> Int64 {
        try await store.pool.withConnection { try $0.simpleQuery(sql).first!.int(0) }
    }
}

@discardableResult
func expectCode<T>(_ code: StatusCode, _ body: () async throws -> T, sourceLocation: SourceLocation = #_sourceLocation) async -> RPCError? {
    do {
        _ = try await body()
        Issue.record("expected \(code), the call succeeded", sourceLocation: sourceLocation)
    } catch let error as RPCError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

@Suite struct AuthTests {
    @Test func loginThenWhoAmIAndLastLogin() async throws {
        try await AuthHarness.with { h in
            let user = try await h.createUser("carol")
            let client = try await h.client("carol@example.com", "a long enough password")
            let me = try await client.unary(Methods.whoAmI, .init())
            #expect(me.user?.id == user.id)
            #expect(me.user?.lastLoginMicros ?? 0 > 0)
            #expect(me.sessionExpiresAtMicros > Int64(Date().timeIntervalSince1970 * 1_000_000))
            #expect(try await client.unary(Methods.serverInfo, .init()).store != nil)
            await client.close()
        }
    }

    @Test func wrongPasswordUnknownUserAndDisabledUserLookTheSame() async throws {
        try await AuthHarness.with { h in
            let dave = try await h.createUser("dave")
            let admin = try await h.admin()
            _ = try await admin.unary(Methods.updateUser, UpdateUserRequest(id: dave.id, active: .deactivate))
            _ = try await h.createUser("erin")
            let client = try await h.server.client()
            let wrong = await expectCode(.unauthenticated) { try await client.unary(Methods.login, LoginRequest(login: "erin", password: "not the password!")) }
            let unknown = await expectCode(.unauthenticated) { try await client.unary(Methods.login, LoginRequest(login: "nobody", password: "a long enough password")) }
            let disabled = await expectCode(.unauthenticated) { try await client.unary(Methods.login, LoginRequest(login: "dave", password: "a long enough password")) }
            #expect(wrong?.message == unknown?.message && unknown?.message == disabled?.message)
            #expect(try await h.count("SELECT count(*) FROM audit_logs WHERE action = 'login_failed'") == 3)
            await client.close()
            await admin.close()
        }
    }

    @Test func badTokensAreUnauthenticated() async throws {
        try await AuthHarness.with { h in
            let client = try await h.server.client()
            await expectCode(.unauthenticated) { try await client.unary(Methods.serverInfo, .init()) }  // none
            client.authToken = String(repeating: "ab", count: 32)  // forged
            await expectCode(.unauthenticated) { try await client.unary(Methods.whoAmI, .init()) }
            #expect(try await client.unary(Methods.ping, PingRequest(payload: [1])).payload == [1], "Ping needs no session")
            await client.close()
        }
    }

    @Test func loggedOutTokenIsRevoked() async throws {
        try await AuthHarness.with { h in
            _ = try await h.createUser("frank")
            let client = try await h.client("frank", "a long enough password")
            _ = try await client.unary(Methods.whoAmI, .init())
            _ = try await client.unary(Methods.logout, .init())
            await expectCode(.unauthenticated) { try await client.unary(Methods.whoAmI, .init()) }
            await client.close()
        }
    }

    @Test func expiredTokenIsUnauthenticated() async throws {
        // Lifetimes generous enough for a loaded machine (login and the first call well inside it).
        try await AuthHarness.with({ $0.sessionLifetime = .seconds(8) }) { h in
            _ = try await h.createUser("gina")
            let client = try await h.client("gina", "a long enough password")
            _ = try await client.unary(Methods.whoAmI, .init())
            try await Task.sleep(for: .milliseconds(9000))
            await expectCode(.unauthenticated) { try await client.unary(Methods.whoAmI, .init()) }
            await client.close()
        }
    }

    @Test func deletedOrDeactivatedUsersTokensStopWorking() async throws {
        try await AuthHarness.with { h in
            let hank = try await h.createUser("hank")
            let ivy = try await h.createUser("ivy")
            let hankClient = try await h.client("hank", "a long enough password")
            let ivyClient = try await h.client("ivy", "a long enough password")
            let admin = try await h.admin()
            _ = try await admin.unary(Methods.deleteUser, .init(id: hank.id))
            _ = try await admin.unary(Methods.updateUser, UpdateUserRequest(id: ivy.id, active: .deactivate))
            await expectCode(.unauthenticated) { try await hankClient.unary(Methods.whoAmI, .init()) }
            await expectCode(.unauthenticated) { try await ivyClient.unary(Methods.whoAmI, .init()) }
            #expect(try await h.count("SELECT count(*) FROM sessions WHERE user_id = '\(ivy.id)' AND revoked_at IS NULL") == 0)
            await admin.close(); await hankClient.close(); await ivyClient.close()
        }
    }

    @Test func nonAdminsCannotCallAdminMethodsAndNothingChanges() async throws {
        try await AuthHarness.with { h in
            let jack = try await h.createUser("jack")
            _ = try await h.createUser("vera", role: .viewer)
            for login in ["jack", "vera"] {
                let client = try await h.client(login, "a long enough password")
                let before = try await h.count("SELECT count(*) FROM users")
                await expectCode(.permissionDenied) {
                    try await client.unary(Methods.createUser, CreateUserRequest(username: "mallory", email: "m@example.com", password: "a long enough password"))
                }
                await expectCode(.permissionDenied) { try await client.unary(Methods.deleteUser, .init(id: jack.id)) }
                await expectCode(.permissionDenied) { try await client.unary(Methods.listUsers, ListUsersRequest()) }
                await expectCode(.permissionDenied) { try await client.unary(Methods.listAuditLogs, ListAuditLogsRequest()) }
                await expectCode(.permissionDenied) { try await client.unary(Methods.resetPassword, ResetPasswordRequest(id: jack.id, newPassword: "another long password")) }
                #expect(try await h.count("SELECT count(*) FROM users") == before)
                await client.close()
            }
        }
    }

    @Test func repeatedFailedLoginsAreRefusedForAWhileAndAudited() async throws {
        try await AuthHarness.with({ $0.maxFailedLogins = 3 }) { h in
            _ = try await h.createUser("kate")
            let client = try await h.server.client()
            for _ in 0..<3 {
                await expectCode(.unauthenticated) { try await client.unary(Methods.login, LoginRequest(login: "kate", password: "guess guess guess")) }
            }
            // Locked now: even the right password is refused until the lockout passes.
            let locked = await expectCode(.resourceExhausted) {
                try await client.unary(Methods.login, LoginRequest(login: "kate", password: "a long enough password"))
            }
            #expect(locked?.message.contains("try again") == true)
            #expect(try await h.count("SELECT count(*) FROM audit_logs WHERE action = 'login_failed'") == 4)
            await client.close()
        }
    }

    @Test func invalidAccountFieldsAreRejectedAndNothingWritten() async throws {
        try await AuthHarness.with { h in
            let admin = try await h.admin()
            let before = try await h.count("SELECT count(*) FROM users")
            let cases: [(String, String, String)] = [
                ("", "x@example.com", "empty username"),
                (String(repeating: "u", count: 65), "x@example.com", "too long username"),
                ("bad name", "x@example.com", "space in username"),
                ("lee", "not-an-email", "bad email"),
                ("lee", String(repeating: "e", count: 250) + "@example.com", "too long email"),
            ]
            for (username, email, what) in cases {
                let error = await expectCode(.invalidArgument) {
                    try await admin.unary(Methods.createUser, CreateUserRequest(username: username, email: email, password: "a long enough password"))
                }
                #expect(error != nil, "\(what)")
            }
            await expectCode(.invalidArgument) {
                try await admin.unary(Methods.createUser, CreateUserRequest(username: "lee", email: "lee@example.com", password: "short"))
            }
            await expectCode(.alreadyExists) {
                try await admin.unary(Methods.createUser, CreateUserRequest(username: "admin", email: "other@example.com", password: "a long enough password"))
            }
            #expect(try await h.count("SELECT count(*) FROM users") == before)
            await admin.close()
        }
    }

    @Test func changesAndLoginsAreAuditedWithoutSecrets() async throws {
        try await AuthHarness.with { h in
            let admin = try await h.client("admin", h.adminPassword, name: "audit-client/1.0")
            let user = try await admin.unary(Methods.createUser,
                CreateUserRequest(username: "mia", email: "mia@example.com", password: "secret password 123"))
            let page = try await admin.unary(Methods.listAuditLogs, ListAuditLogsRequest())
            let create = try #require(page.logs.first { $0.action == "user_create" && $0.resourceID == user.id })
            #expect(create.userAgent == "audit-client/1.0")
            #expect(create.detailsJSON.contains("\"peer_uid\": \(getuid())"))
            #expect(create.detailsJSON.contains("\"peer_pid\": \(getpid())"), "the client is this process")
            #expect(page.logs.first?.action == "user_create", "newest first")
            #expect(page.logs.contains { $0.action == "login" })
            #expect(try await h.count("SELECT count(*) FROM audit_logs WHERE details::text LIKE '%secret password%'") == 0)
            #expect(try await h.count("SELECT count(*) FROM audit_logs WHERE ip_address IS NOT NULL") == 0)
            var filter = ListAuditLogsRequest()
            filter.action = "password_change"
            #expect(try await admin.unary(Methods.listAuditLogs, filter).logs.count == 1)
            let purged = try await admin.unary(Methods.purgeAuditLogs, PurgeAuditLogsRequest(olderThanDays: 1))
            #expect(purged.deleted == 0)
            filter.action = "audit_purge"
            #expect(try await admin.unary(Methods.listAuditLogs, filter).logs.count == 1, "the purge is itself audited")
            await admin.close()
        }
    }

    @Test func aStoreIsNeverServedWithoutAuthentication() async throws {
        let store = try await TestDatabase.store()
        do {
            _ = try await TestServer.start { $0.store = store; $0.authentication = .disabled }
            Issue.record("a server with a store and authentication disabled started")
        } catch let error as RPCError {
            #expect(error.code == .failedPrecondition && error.message.contains("authentication cannot be disabled"), "\(error)")
        }
        await store.shutdown()
    }

    @Test func oneTimePasswordMustBeChangedBeforeAnythingElse() async throws {
        let store = try await TestDatabase.store()
        var auth = AuthConfiguration()
        auth.bcryptCost = 4
        let created = try await AdminBootstrap.createAdmin(store: store, username: "root-admin", email: "r@example.com", bcryptCost: 4)
        try await TestServer.with({ $0.store = store; $0.authentication = .required(auth) }) { server in
            let client = try await server.client()
            let login = try await client.unary(Methods.login, LoginRequest(login: "root-admin", password: created.password))
            #expect(login.user?.mustChangePassword == true)
            client.authToken = login.token
            await expectCode(.failedPrecondition) { try await client.unary(Methods.listUsers, ListUsersRequest()) }
            #expect(try await client.unary(Methods.whoAmI, .init()).user?.username == "root-admin")
            _ = try await client.unary(Methods.changePassword,
                                       ChangePasswordRequest(currentPassword: created.password, newPassword: "a brand new password"))
            #expect(try await client.unary(Methods.listUsers, ListUsersRequest()).users.count == 1)
            await client.close()
        }
        await store.shutdown()
    }

    @Test func trustedPeerUidNeedsNoPassword() async throws {
        try await AuthHarness.with({ $0.trustedPeers[getuid()] = "admin" }) { h in
            let client = try await h.server.client()
            let me = try await client.unary(Methods.whoAmI, .init())
            #expect(me.viaPeerCredentials)
            #expect(me.user?.username == "admin")
            await client.close()
        }
    }

    @Test func pagingWalksAllUsers() async throws {
        try await AuthHarness.with { h in
            for i in 0..<4 { _ = try await h.createUser("p\(i)") }
            let admin = try await h.admin()
            var seen: [String] = []
            var token = ""
            repeat {
                let page = try await admin.unary(Methods.listUsers, ListUsersRequest(pageSize: 2, pageToken: token))
                #expect(page.users.count <= 2)
                seen += page.users.map(\.username)
                token = page.nextPageToken
            } while !token.isEmpty
            #expect(seen == ["admin", "p0", "p1", "p2", "p3"])
            await expectCode(.invalidArgument) { try await admin.unary(Methods.listUsers, ListUsersRequest(pageToken: "garbage")) }
            await expectCode(.notFound) { try await admin.unary(Methods.getUser, .init(id: UUID().uuidString)) }
            await expectCode(.invalidArgument) { try await admin.unary(Methods.getUser, .init(id: "not-a-uuid")) }
            await admin.close()
        }
    }
}
