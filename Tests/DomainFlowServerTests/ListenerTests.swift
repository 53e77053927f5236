import DomainFlowClient
import DomainFlowServer
import DomainFlowWire
import Foundation
import Glibc
import NIOConcurrencyHelpers
import Testing

@Suite struct ListenerTests {
    @Test func socketIsCreatedWithRestrictiveMode() async throws {
        try await TestServer.with { server in
            var info = stat()
            #expect(lstat(server.socketPath, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o660)
        }
        try await TestServer.with({ $0.socketMode = 0o600 }) { server in
            var info = stat()
            #expect(lstat(server.socketPath, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o600)
        }
    }

    @Test func refusesToStartWhereAServerListens() async throws {
        try await TestServer.with { server in
            await #expect(throws: SocketLocation.PreparationError.self) {
                _ = try await TestServer.start { $0.socketPath = server.socketPath }
            }
            // The running server is untouched.
            let client = try await server.client()
            _ = try await client.unary(Methods.ping, PingRequest())
            await client.close()
        }
    }

    @Test func replacesStaleSocketFile() async throws {
        let path = TestServer.temporarySocketPath()
        // A socket file nobody listens on: bind and close without listening.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8)); raw[path.utf8.count] = 0
        }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        close(fd)
        #expect(FileManager.default.fileExists(atPath: path))
        try await TestServer.with({ $0.socketPath = path }) { server in
            let client = try await server.client()
            _ = try await client.unary(Methods.ping, PingRequest())
            await client.close()
        }
    }

    @Test func refusesToReplaceARegularFile() async throws {
        let path = TestServer.temporarySocketPath()
        _ = FileManager.default.createFile(atPath: path, contents: Data("keep me".utf8))
        defer { unlink(path) }
        await #expect(throws: SocketLocation.PreparationError.self) {
            _ = try await TestServer.start { $0.socketPath = path }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me")
    }

    @Test func gracefulShutdownLetsOpenCallsFinishAndRemovesSocket() async throws {
        // A grace period far longer than the stream's 0.4 s, so that a loaded machine cannot outlast it.
        let server = try await TestServer.start { $0.shutdownGracePeriod = .seconds(20) }
        let client = try await server.client()
        let stream = try client.serverStream(Methods.watchServerStats, WatchServerStatsRequest(intervalMillis: 100, count: 4))
        let received = NIOLockedValueBox(0)
        let consumer = Task {
            for try await _ in stream { received.withLockedValue { $0 += 1 } }
            return received.withLockedValue { $0 }
        }
        // Shut down once the call is surely open on the server (its first message arrived).
        let deadline = ContinuousClock.now + .seconds(10)
        while received.withLockedValue({ $0 }) == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        await server.server.shutdown()
        #expect(try await consumer.value == 4, "in-flight stream completed during the grace period")
        #expect(!FileManager.default.fileExists(atPath: server.socketPath))
    }

    @Test func shutdownCancelsCallsStillOpenAfterGracePeriod() async throws {
        let server = try await TestServer.start { $0.shutdownGracePeriod = .milliseconds(300) }
        let client = try await server.client()
        let received = NIOLockedValueBox(0)
        let consumer = Task { () -> StatusCode in
            do {
                for try await _ in try client.serverStream(Methods.watchServerStats, WatchServerStatsRequest(intervalMillis: 50)) {
                    received.withLockedValue { $0 += 1 }
                }
                return .ok
            } catch let error as RPCError {
                return error.code
            } catch let error as ClientError {
                return error.code
            }
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while received.withLockedValue({ $0 }) == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        let clock = ContinuousClock()
        let start = clock.now
        await server.server.shutdown()
        #expect(clock.now - start < .seconds(3))
        #expect(try await consumer.value == .unavailable)
    }
}
