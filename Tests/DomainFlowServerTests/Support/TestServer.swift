import DomainFlowClient
import DomainFlowServer
import DomainFlowWire
import Foundation
import Logging

/// A real server on a fresh temporary socket, for one test.
struct TestServer {
    let server: DomainFlowServer
    var socketPath: String { server.socketPath }

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
        return TestServer(server: try await DomainFlowServer.start(configuration: configuration, router: router))
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
            await server.server.shutdown()
            return result
        } catch {
            await server.server.shutdown()
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
