import ArgumentParser
import DomainFlowLoadTest
import DomainFlowWire
import Foundation

@main
struct LoadTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "domainflow-loadtest",
        abstract: "Drive a DomainFlow server hard and report latency percentiles.",
        subcommands: [Run.self, Echo.self, HoldStreams.self, StoreBench.self, ScoreBench.self, FetchBench.self],
        defaultSubcommand: Run.self)
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run a load test (the default).")

    @Option(help: "Server socket path (default: as the server's).") var socket: String?
    @Option(help: "Connections.") var connections = 1
    @Option(help: "Calls in flight per connection.") var inFlight = 1
    @Option(help: "Open loop: calls per second, all connections together. Omit for closed loop.") var rate: Double?
    @Option(help: "Measured seconds.") var duration: Double = 10
    @Option(help: "Stop after this many measured calls.") var requests: Int?
    @Option(help: "Unmeasured warm-up seconds.") var warmup: Double = 0
    @Option(help: "Scenario mix: name[:weight],... Scenarios: \(Scenario.allCases.map(\.rawValue).joined(separator: ", ")).")
    var scenario = "ping"
    @Option(help: "Ping payload bytes.") var payloadSize = 0
    @Option(help: "Names in the campaign stream-results streams.") var streamRows = 10_000
    @Option(help: "Session token (default: $DOMAINFLOW_TOKEN).") var token: String?
    @Flag(help: "Print the report as JSON.") var json = false
    @Option(help: "Write the HdrHistogram percentile distribution (µs) to this file.") var histogramFile: String?

    func run() async throws {
        var configuration = LoadConfiguration(socketPath: socket ?? DefaultSocket.clientPath())
        configuration.connections = connections
        configuration.inFlight = inFlight
        configuration.rate = rate
        configuration.duration = .milliseconds(Int64(duration * 1000))
        configuration.requests = requests
        configuration.warmup = .milliseconds(Int64(warmup * 1000))
        configuration.payloadSize = payloadSize
        configuration.streamRows = streamRows
        configuration.authToken = token ?? ProcessInfo.processInfo.environment["DOMAINFLOW_TOKEN"] ?? ""
        do {
            configuration.mix = try ScenarioMix(parsing: scenario)
        } catch {
            throw ValidationError("\(error)")
        }
        let live = isatty(STDERR_FILENO) == 1 && !json
        let progress: (@Sendable (Int, Duration) -> Void)? = live ? Self.showProgress : nil
        // Ctrl-C (or SIGTERM) ends the run early and still prints the report so far.
        let stop = LoadRunner.Stop()
        signal(SIGINT, SIG_IGN); signal(SIGTERM, SIG_IGN)
        let sources = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.request() }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        let report = try await LoadRunner.run(configuration, stop: stop, progress: progress)
        if live { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        if let histogramFile {
            try report.percentileDistribution.write(toFile: histogramFile, atomically: true, encoding: .utf8)
        }
        print(json ? report.json : report.summary)
    }
}

extension Run {
    /// The live progress line on a terminal.
    @Sendable static func showProgress(_ count: Int, _ elapsed: Duration) {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let line = String(format: "\r%d calls, %.0f/s, %.0f s", count, Double(count) / max(seconds, 0.001), seconds)
        FileHandle.standardError.write(Data(line.utf8))
    }
}

struct Echo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "echo-server",
        abstract: "Serve the reference floor: DomainFlow framing, protobuf-c decode/encode, no dispatch.")

    @Option(help: "Socket path to listen on.") var socket: String
    @Option(help: "Event-loop threads.") var threads = System.coreCount

    func run() async throws {
        let server = try await EchoServer.start(socketPath: socket, threads: threads)
        print("echo server on \(socket)")
        let signals = AsyncStream<Void> { continuation in
            signal(SIGTERM, SIG_IGN); signal(SIGINT, SIG_IGN)
            let term = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
            let int = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
            term.setEventHandler { continuation.yield() }
            int.setEventHandler { continuation.yield() }
            term.resume(); int.resume()
            nonisolated(unsafe) let retained = [term, int]
            continuation.onTermination = { _ in retained.forEach { $0.cancel() } }
        }
        for await _ in signals { break }
        await server.stop()
    }
}

import NIOCore

struct HoldStreams: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hold-streams",
        abstract: "Hold many WatchServerStats streams open (for memory measurements).")

    @Option(help: "Server socket path (default: as the server's).") var socket: String?
    @Option(help: "Connections.") var connections = 64
    @Option(help: "Streams per connection.") var streams = 64
    @Option(help: "Milliseconds between a stream's messages.") var interval: UInt32 = 500
    @Option(help: "Seconds to hold them.") var duration: Double = 10

    func run() async throws {
        let received = try await StreamHolder.hold(socketPath: socket ?? DefaultSocket.clientPath(), connections: connections,
                                                   streams: streams, intervalMillis: interval,
                                                   duration: .milliseconds(Int64(duration * 1000)))
        print("held \(connections * streams) streams for \(duration) s; \(received) messages received")
    }
}

struct StoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "store-bench",
        abstract: "Rows/s into dns_validation_results through the store: COPY and prepared single-row inserts.")

    @Option(help: "PostgreSQL URL or conninfo (migrations are applied).") var databaseURL: String
    @Option(help: "Rows loaded by COPY.") var copyRows = 200_000
    @Option(help: "Rows inserted one by one.") var insertRows = 20_000

    func run() async throws {
        let result = try await StoreBenchmark.run(connectionString: databaseURL, copyRows: copyRows, insertRows: insertRows)
        print(String(format: "{\"copy_rows_per_second\": %.0f, \"insert_rows_per_second\": %.0f}",
                     result.copyRowsPerSecond, result.insertRowsPerSecond))
    }
}
