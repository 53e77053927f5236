import DomainFlowClient
import DomainFlowServer
import DomainFlowWire
import Foundation
import Glibc
import NIOConcurrencyHelpers
import Testing

@Suite struct ListenerTests {
    /// A burst of 1,000 clients connecting at once without waiting (non-blocking connects, which fail
    /// with EAGAIN when the listen backlog is full) all get in and all complete their hello.
    @Test func aBurstOfAThousandNonBlockingConnectsAllCompleteTheirHello() async throws {
        let clients = 1000
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let needed = rlim_t(2 * clients + 256)  // both ends live in this process
        if limit.rlim_cur < needed {
            limit.rlim_cur = min(limit.rlim_max, needed)
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        try #require(limit.rlim_cur >= needed, "the test needs \(needed) open files; the hard limit is \(limit.rlim_max)")
        let backlog = (try? String(contentsOfFile: "/proc/sys/net/core/somaxconn", encoding: .utf8)).flatMap {
            Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
        } ?? 0
        try #require(backlog >= clients, "net.core.somaxconn is \(backlog): the system caps any listen backlog below the burst")

        try await TestServer.with { server in
            var connections: [RawConnection] = []
            var refused: [String] = []
            for i in 0..<clients {
                do { connections.append(try RawConnection(path: server.socketPath, nonBlocking: true)) } catch {
                    refused.append("#\(i): \(error)")
                }
            }
            #expect(refused.count == 0, "\(refused.count) of \(clients) connects refused, first: \(refused.first ?? "")")
            for connection in connections { try connection.hello() }
            var replies = 0
            for connection in connections {
                if case .helloReply = try await connection.readFrame(timeout: .seconds(30)) { replies += 1 }
            }
            #expect(replies == clients)
            try await server.waitFor("every connection counted", timeout: .seconds(30)) { $0.openConnections >= UInt32(clients) }
        }
    }

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
        await server.shutdown()
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
        await server.shutdown()
        #expect(clock.now - start < .seconds(30), "the shutdown does not wait for the open stream beyond the grace period")
        #expect(try await consumer.value == .unavailable)
    }
}
