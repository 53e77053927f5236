@testable import DomainFlowStore
import DomainFlowClient
import DomainFlowServer
import DomainFlowWire
import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing

/// Collects every log record a logger writes (message, and the logger's and the record's
/// metadata), at every level.
struct CapturingLogHandler: LogHandler {
    let lines: NIOLockedValueBox<[String]>
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        let all = self.metadata.merging(metadata ?? [:]) { $1 }
        lines.withLockedValue { $0.append("\(level) \(message) \(all)") }
    }
}

@Suite struct SecretsInLogsTests {
    /// A server at debug level taken through login, a password change, a user created with a password,
    /// a proxy created with a password and a failed login: no password and no session token appears in
    /// its log or in the audit log.
    @Test func noPasswordOrTokenReachesTheLogOrTheAuditLog() async throws {
        let lines = NIOLockedValueBox<[String]>([])
        var logger = Logger(label: "secrets") { _ in CapturingLogHandler(lines: lines) }
        logger.logLevel = .debug
        var secrets: [String] = []
        try await AuthHarness.with(secrets: .random(), server: { $0.logger = logger }) { h in
            secrets.append(h.adminPassword)
            let admin = try await h.admin()
            secrets.append(admin.authToken)
            let userPassword = "carol's secret password 1"
            _ = try await admin.unary(Methods.createUser, CreateUserRequest(username: "carol", email: "carol@example.com",
                                                                            password: userPassword, role: .user))
            secrets.append(userPassword)
            let carol = try await h.client("carol", userPassword)
            secrets.append(carol.authToken)
            let newPassword = "carol's new password 22"
            _ = try await carol.unary(Methods.changePassword, ChangePasswordRequest(currentPassword: userPassword,
                                                                                     newPassword: newPassword))
            secrets.append(newPassword)
            let proxyPassword = "proxy-password-333"
            _ = try await carol.unary(Methods.createProxy, ProxyRequest(name: "office", protocol: .http, host: "127.0.0.1",
                                                                        port: 3128, username: "carol", password: proxyPassword, setPassword: true))
            secrets.append(proxyPassword)
            let wrongPassword = "a wrong password 4444"
            let anonymous = try await h.server.client()
            await expectCode(.unauthenticated) {
                try await anonymous.unary(Methods.login, LoginRequest(login: "carol", password: wrongPassword))
            }
            secrets.append(wrongPassword)
            for client in [admin, carol, anonymous] { await client.close() }

            let audit = try await h.store.pool.withConnection { c in
                try c.simpleQuery("SELECT coalesce(string_agg(row_to_json(a)::text, E'\\n'), '') FROM audit_logs a").first!.string(0)
            }
            #expect(audit.contains("login_failed") || audit.contains("login"), "the audit log recorded the logins: \(audit.prefix(200))")
            for secret in secrets {
                #expect(!audit.contains(secret), "a secret is in audit_logs")
            }
        }
        let log = lines.withLockedValue { $0.joined(separator: "\n") }
        for method in ["Login", "ChangePassword", "CreateUser", "CreateProxy"] {
            #expect(log.contains("call ended") && log.contains("\(method)"), "each call is in the debug log: \(method)")
        }
        for secret in secrets {
            #expect(!secret.isEmpty)
            #expect(!log.contains(secret), "a secret is in the server's log")
        }
    }
}
