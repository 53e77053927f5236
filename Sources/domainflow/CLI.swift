import ArgumentParser
import DomainFlowClient
import DomainFlowWire

@main
struct CLI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "domainflow",
        abstract: "Command-line client of a DomainFlow server.",
        subcommands: [PingCommand.self, ServerInfoCommand.self])
}

/// Options every command shares.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Server socket path (default: as the server's).")
    var socket: String?

    var socketPath: String { socket ?? DefaultSocket.path() }

    func connect() async throws -> DomainFlowClient {
        do {
            return try await DomainFlowClient.connect(socketPath: socketPath, clientName: "domainflow-cli/\(cliVersion)")
        } catch {
            throw CLIError("cannot connect to \(socketPath): \(error)")
        }
    }
}

let cliVersion = "0.1.0"

/// A failure reported to the user as one line, with exit code 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
