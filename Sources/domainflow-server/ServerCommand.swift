import ArgumentParser
import DomainFlowServer
import Dispatch
import Glibc
import Logging

@main
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "domainflow-server",
        abstract: "The DomainFlow server: serves the DomainFlow protocol on a Unix domain socket.")

    @Option(help: "Unix socket path (default: $DOMAINFLOW_SOCKET, else $XDG_RUNTIME_DIR/domainflow/domainflow.sock, else /tmp/domainflow-<uid>/domainflow.sock).")
    var socket: String?

    @Option(help: "Permission bits of the socket file, in octal.")
    var socketMode: String = "660"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(help: "Largest frame accepted, in bytes.")
    var maxFrameBytes: Int = 4 * 1024 * 1024

    @Option(help: "Seconds a shutdown waits for open calls before cancelling them.")
    var shutdownGrace: Int = 10

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("unknown log level '\(logLevel)'")
        }
        guard let mode = mode_t(socketMode, radix: 8), mode <= 0o777 else {
            throw ValidationError("socket mode must be octal permission bits, e.g. 660")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var config = ServerConfiguration(socketMode: mode, maxFrameBytes: maxFrameBytes,
                                         shutdownGracePeriod: .seconds(shutdownGrace))
        if let socket { config.socketPath = socket }

        let server = try await DomainFlowServer.start(configuration: config)
        let signal = await ShutdownSignal.wait()
        config.logger.info("received \(signal)")
        await server.shutdown()
    }
}

/// Waits for SIGTERM or SIGINT.
enum ShutdownSignal {
    static func wait() async -> String {
        let signals = AsyncStream<String> { continuation in
            var sources: [any DispatchSourceSignal] = []
            for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
                Glibc.signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { continuation.yield(name) }
                source.resume()
                sources.append(source)
            }
            nonisolated(unsafe) let retained = sources  // only cancelled once, at termination
            continuation.onTermination = { _ in retained.forEach { $0.cancel() } }
        }
        for await name in signals { return name }
        return "end of signals"
    }
}
