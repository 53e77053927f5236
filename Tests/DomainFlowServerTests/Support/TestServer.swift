import DomainFlowClient
import DomainFlowServer
import DomainFlowWire
import Foundation
import Logging

/// A real server on a fresh temporary socket, for one test, with the campaign engine beside it when the
/// configuration has a store (as `domainflow-server` runs them).
struct TestServer {
    let server: DomainFlowServer
    let engine: Task<Void, Never>?
    var socketPath: String { server.socketPath }

    /// Shuts the server down (it drains), then stops the engine's workers, as `domainflow-server` does.
    func shutdown() async {
        await server.shutdown()
        engine?.cancel()
        await engine?.value
    }

    static func temporarySocketPath() -> String {
        "/tmp/dft-\(UUID().uuidString.prefix(12)).sock"
    }

    static func start(_ configure: (inout ServerConfiguration) -> Void = { _ in }, router: Router = Router()) async throws -> TestServer {
        var logger = Logger(label: "test.server")
        logger.logLevel = .warning
        // Protocol tests run without a store, hence without authentication; auth tests configure both.
        var configuration = ServerConfiguration(socketPath: temporarySocketPath(), shutdownGracePeriod: .seconds(2),
                                                eventLoopThreads: 2, logger: logger, authentication: .disabled)
        configure(&configuration)
        let server = try await DomainFlowServer.start(configuration: configuration, router: router)
        let engine = configuration.makeEngine().map { engine in Task { await engine.run() } }
        return TestServer(server: server, engine: engine)
    }

    func client(name: String = "test-client") async throws -> DomainFlowClient {
        try await DomainFlowClient.connect(socketPath: socketPath, clientName: name)
    }

    /// Runs `body` with a started server, and always shuts it down.
    static func with<T>(_ configure: (inout ServerConfiguration) -> Void = { _ in }, router: Router = Router(),
                        _ body: (TestServer) async throws -> T) async throws -> T {
        let server = try await start(configure, router: router)
        do {
            let result = try await body(server)
            await server.shutdown()
            return result
        } catch {
            await server.shutdown()
            throw error
        }
    }

    /// The server's counters, as a fresh client sees them.
    func info() async throws -> ServerInfoResponse {
        let client = try await client(name: "info")
        defer { Task { await client.close() } }
        return try await client.unary(Methods.serverInfo, .init(), timeout: .seconds(5))
    }

    /// Polls until `condition` holds on the server's info, or fails after `timeout`.
    func waitFor(_ what: String, timeout: Duration = .seconds(5), _ condition: (ServerInfoResponse) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = try await info()
        while !condition(last) {
            guard ContinuousClock.now < deadline else { throw TestFailure("timed out waiting for \(what); last info: \(last)") }
            try await Task.sleep(for: .milliseconds(20))
            last = try await info()
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
