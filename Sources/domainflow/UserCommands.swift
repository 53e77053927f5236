import ArgumentParser
import DomainFlowClient
import DomainFlowWire
import Foundation

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage users (admins).",
        subcommands: [Create.self, List.self, Show.self, Update.self, Delete.self, ResetPassword.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user.")
        @OptionGroup var connection: ConnectionOptions
        @Argument var username: String
        @Option var email: String
        @Option(help: "admin, user or viewer.") var role = "user"
        @Flag(help: "Read the password from stdin instead of prompting.") var passwordStdin = false
        @Flag var json = false

        func run() async throws {
            guard let role = Role(name: role) else { throw ValidationError("--role must be admin, user or viewer") }
            let password = try PasswordInput.read(prompt: "Password for \(username): ", fromStdin: passwordStdin)
            let client = try await connection.connect()
            let user = try await connection.call {
                try await client.unary(Methods.createUser, CreateUserRequest(username: username, email: email, password: password, role: role))
            }
            await client.close()
            print(json ? try Output.json(UserView(user)) : "created user \(user.username) (\(user.id))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")
        @OptionGroup var connection: ConnectionOptions
        @Flag var json = false

        func run() async throws {
            let client = try await connection.connect()
            var users: [User] = []
            var token = ""
            repeat {
                let page = try await connection.call { try await client.unary(Methods.listUsers, ListUsersRequest(pageSize: 500, pageToken: token)) }
                users += page.users
                token = page.nextPageToken
            } while !token.isEmpty
            await client.close()
            if json { print(try Output.json(users.map(UserView.init))); return }
            Output.table(["ID", "USERNAME", "EMAIL", "ROLE", "ACTIVE", "LAST LOGIN"], users.map {
                [$0.id, $0.username, $0.email, "\($0.role)", $0.isActive ? "yes" : "no", Output.time($0.lastLoginMicros)]
            })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a user.")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String

        func run() async throws {
            let user = try await connection.unary(Methods.getUser, .init(id: id))
            print(try Output.json(UserView(user)))
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a user's role, email or active flag.")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        @Option var role: String?
        @Option var email: String?
        @Flag(inversion: .prefixedEnableDisable, help: "Activate or deactivate (deactivating ends the user's sessions).")
        var active: Bool?

        func run() async throws {
            var request = UpdateUserRequest(id: id)
            if let role {
                guard let parsed = Role(name: role) else { throw ValidationError("--role must be admin, user or viewer") }
                request.role = parsed
            }
            request.email = email ?? ""
            request.active = active.map { $0 ? .activate : .deactivate } ?? .activeUnchanged
            let user = try await connection.unary(Methods.updateUser, request)
            print(try Output.json(UserView(user)))
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a user (and everything they own).")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String

        func run() async throws {
            _ = try await connection.unary(Methods.deleteUser, .init(id: id))
            print("deleted user \(id)")
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reset-password",
            abstract: "Set a user's password (they must change it at next login).")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        @Flag var passwordStdin = false

        func run() async throws {
            let password = try PasswordInput.read(prompt: "New password: ", fromStdin: passwordStdin)
            _ = try await connection.unary(Methods.resetPassword, ResetPasswordRequest(id: id, newPassword: password))
            print("password reset; the user's sessions were ended")
        }
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Read the audit log (admins).",
                                                    subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List audit log entries, newest first.")
        @OptionGroup var connection: ConnectionOptions
        @Option var user: String?
        @Option var action: String?
        @Option var resourceType: String?
        @Option(help: "Entries at most.") var limit = 50
        @Flag var json = false

        func run() async throws {
            var request = ListAuditLogsRequest()
            request.userID = user ?? ""
            request.action = action ?? ""
            request.resourceType = resourceType ?? ""
            request.pageSize = UInt32(max(1, min(limit, 500)))
            let page = try await connection.unary(Methods.listAuditLogs, request)
            if json {
                print(try Output.json(page.logs.map {
                    ["id": $0.id, "user_id": $0.userID, "action": $0.action, "resource_type": $0.resourceType,
                     "resource_id": $0.resourceID, "details": $0.detailsJSON, "user_agent": $0.userAgent,
                     "created_at": Output.time($0.createdAtMicros)]
                }))
                return
            }
            Output.table(["TIME", "ACTION", "USER", "RESOURCE", "CLIENT", "DETAILS"], page.logs.map {
                [Output.time($0.createdAtMicros), $0.action, $0.userID.isEmpty ? "-" : String($0.userID.prefix(8)),
                 $0.resourceType.isEmpty ? "-" : "\($0.resourceType) \($0.resourceID.prefix(8))", $0.userAgent, $0.detailsJSON]
            })
        }
    }
}

/// A user as the CLI prints it in JSON.
struct UserView: Encodable {
    let id, username, email, role: String
    let isActive, mustChangePassword: Bool
    let createdAt, lastLogin: String

    init(_ user: User) {
        id = user.id; username = user.username; email = user.email; role = "\(user.role)"
        isActive = user.isActive; mustChangePassword = user.mustChangePassword
        createdAt = Output.time(user.createdAtMicros); lastLogin = Output.time(user.lastLoginMicros)
    }
}

/// Tables, JSON and times for the CLI's output.
enum Output {
    /// `value` as JSON with snake_case keys; `pretty: false` gives one line (for JSON Lines).
    static func json<T: Encodable>(_ value: T, pretty: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func table(_ header: [String], _ rows: [[String]]) {
        let all = [header] + rows
        let widths = header.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
        for row in all {
            print(row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  "))
        }
    }

    static func time(_ micros: Int64) -> String {
        guard micros != 0 else { return "-" }
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date(timeIntervalSince1970: Double(micros) / 1_000_000))
    }
}
