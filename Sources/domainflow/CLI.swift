import ArgumentParser
import DomainFlowClient
import DomainFlowWire

@main
struct CLI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "domainflow",
        abstract: "Command-line client of a DomainFlow server.",
        subcommands: [PingCommand.self, ServerInfoCommand.self, LoginCommand.self, LogoutCommand.self, WhoAmICommand.self,
                      PasswdCommand.self, UserCommand.self, AuditCommand.self, CampaignCommand.self, KeywordsCommand.self,
                      PersonaCommand.self, ProxyCommand.self])
}

/// Options every command shares.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Server socket path (default: as the server's).")
    var socket: String?

    var socketPath: String { socket ?? DefaultSocket.clientPath() }

    /// Connects; with `authenticated`, sends the saved session token with every call.
    func connect(authenticated: Bool = true) async throws -> DomainFlowClient {
        let client: DomainFlowClient
        do {
            client = try await DomainFlowClient.connect(socketPath: socketPath, clientName: "domainflow-cli/\(cliVersion)")
        } catch {
            throw CLIError("cannot connect to \(socketPath): \(error)")
        }
        if authenticated, let token = SessionFile.load() { client.authToken = token }
        return client
    }

    /// Connects, makes one unary call (with a deadline) and closes: the shape of most commands.
    func unary<Input, Output>(_ method: Method<Input, Output>, _ request: Input, authenticated: Bool = true,
                              timeout: Duration = .seconds(60)) async throws -> Output {
        let client = try await connect(authenticated: authenticated)
        defer { Task { await client.close() } }
        return try await call { try await client.unary(method, request, timeout: timeout) }
    }

    /// Runs a call, turning a failure into one readable line.
    func call<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as RPCError {
            let hint = error.code == .unauthenticated ? " (log in with: domainflow login USERNAME)" : ""
            throw CLIError("\(error.code): \(error.message)\(hint)")
        } catch let error as ClientError {
            throw CLIError("\(error)")
        }
    }
}

let cliVersion = "0.1.0"

/// A failure reported to the user as one line, with exit code 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
