import ArgumentParser
import DomainFlowClient
import DomainFlowWire
import Foundation

struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "login", abstract: "Log in and save the session token.")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Username or email.") var login: String
    @Flag(help: "Read the password from stdin instead of prompting.") var passwordStdin = false

    func run() async throws {
        let password = try PasswordInput.read(prompt: "Password for \(login): ", fromStdin: passwordStdin)
        let reply = try await connection.unary(Methods.login, LoginRequest(login: login, password: password), authenticated: false)
        try SessionFile.save(reply.token)
        print("logged in as \(reply.user?.username ?? login); session saved to \(SessionFile.path)")
        if reply.user?.mustChangePassword == true { print("your password must be changed now: domainflow passwd") }
    }
}

struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logout", abstract: "End the session and forget its token.")
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        _ = try await connection.unary(Methods.logout, .init())
        SessionFile.remove()
        print("logged out")
    }
}

struct WhoAmICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "whoami", abstract: "Show who the session belongs to.")
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let reply = try await connection.unary(Methods.whoAmI, .init())
        guard let user = reply.user else { throw CLIError("the server returned no user") }
        if json { print(try Output.json(UserView(user))) } else {
            print("\(user.username) <\(user.email)> role=\(user.role)" + (reply.viaPeerCredentials ? " (via peer uid)" : ""))
        }
    }
}

struct PasswdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "passwd", abstract: "Change your password.")
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Read the current and the new password from stdin, one per line.") var passwordStdin = false

    func run() async throws {
        let current = try PasswordInput.read(prompt: "Current password: ", fromStdin: passwordStdin)
        let new = try PasswordInput.read(prompt: "New password (12+ characters): ", fromStdin: passwordStdin)
        if !passwordStdin {
            let again = try PasswordInput.read(prompt: "New password again: ", fromStdin: false)
            guard again == new else { throw CLIError("the new passwords differ") }
        }
        let client = try await connection.connect()
        _ = try await connection.call {
            try await client.unary(Methods.changePassword, ChangePasswordRequest(currentPassword: current, newPassword: new))
        }
        await client.close()
        print("password changed; your other sessions were ended")
    }
}
