import Dispatch
import DomainFlowClient
import DomainFlowServer
import DomainFlowWire
import NIOConcurrencyHelpers
import Testing

@Suite struct CallTests {
    @Test func pingEchoesPayload() async throws {
        try await TestServer.with { server in
            let client = try await server.client()
            let payload = (0..<1000).map { UInt8($0 % 251) }
            let reply = try await client.unary(Methods.ping, PingRequest(payload: payload))
            #expect(reply.payload == payload)
            #expect(client.serverHello.protocolVersion == protocolVersion)
            #expect(client.serverHello.limits.maxFrameBytes == UInt32(defaultMaxFrameBytes))
            await client.close()
        }
    }

    @Test func manyConcurrentCallsOnOneConnectionInterleave() async throws {
        try await TestServer.with { server in
            let client = try await server.client()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    var count = 0
                    for try await stats in try client.serverStream(Methods.watchServerStats,
                                                                   WatchServerStatsRequest(intervalMillis: 5, count: 20)) {
                        count += 1
                        #expect(stats.sequence == UInt64(count))
                    }
                    #expect(count == 20)
                }
                for i in 0..<200 {
                    group.addTask {
                        let payload = Array("call-\(i)".utf8)
                        let reply = try await client.unary(Methods.ping, PingRequest(payload: payload))
                        #expect(reply.payload == payload, "each reply reaches its own call")
                    }
                }
                try await group.waitForAll()
            }
            await client.close()
        }
    }

    @Test func serverInfoCountsConnectionsAndCalls() async throws {
        try await TestServer.with { server in
            let a = try await server.client()
            let b = try await server.client()
            for _ in 0..<10 { _ = try await a.unary(Methods.ping, PingRequest()) }
            let info = try await b.unary(Methods.serverInfo, .init())
            #expect(info.openConnections == 2)
            #expect(info.callsServed >= 10)
            #expect(info.callsInFlight == 1, "only the ServerInfoResponse call itself")
            #expect(info.serverVersion.isEmpty == false)
            #expect(info.store == nil, "no store configured")
            await a.close()
            await b.close()
        }
    }

    @Test func streamEndsAfterRequestedCount() async throws {
        try await TestServer.with { server in
            let client = try await server.client()
            var sequences: [UInt64] = []
            for try await stats in try client.serverStream(Methods.watchServerStats,
                                                           WatchServerStatsRequest(intervalMillis: 1, count: 5)) {
                sequences.append(stats.sequence)
            }
            #expect(sequences == [1, 2, 3, 4, 5])
            await client.close()
        }
    }

    @Test func cancellingTheConsumingTaskCancelsTheCallOnTheServer() async throws {
        try await TestServer.with { server in
            let client = try await server.client()
            let received = NIOLockedValueBox(0)
            let consumer = Task { () -> StatusCode in
                do {
                    for try await _ in try client.serverStream(Methods.watchServerStats, WatchServerStatsRequest(intervalMillis: 10)) {
                        received.withLockedValue { $0 += 1 }
                    }
                } catch let error as RPCError {
                    return error.code
                }
                return .ok
            }
            // Cancel once the stream is flowing (bounded wait: the test fails rather than hangs).
            let deadline = ContinuousClock.now + .seconds(10)
            while received.withLockedValue({ $0 }) < 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            consumer.cancel()
            let code = try await consumer.value
            #expect(received.withLockedValue { $0 } >= 2)
            #expect(code == .cancelled)
            try await server.waitFor("the cancelled stream to end on the server") { $0.callsInFlight == 1 }
            // The connection is still usable.
            _ = try await client.unary(Methods.ping, PingRequest())
            await client.close()
        }
    }

    @Test func deadlineEndsCallWithDeadlineExceededAndStopsItsWork() async throws {
        try await TestServer.with { server in
            let client = try await server.client()
            var received = 0
            await #expect(throws: RPCError.self) {
                for try await _ in try client.serverStream(Methods.watchServerStats,
                                                           WatchServerStatsRequest(intervalMillis: 100, count: 1000),
                                                           timeout: .milliseconds(350)) {
                    received += 1
                }
            }
            #expect(received <= 5, "the stream stopped at its deadline")
            do {
                for try await _ in try client.serverStream(Methods.watchServerStats,
                                                           WatchServerStatsRequest(intervalMillis: 100, count: 1000),
                                                           timeout: .milliseconds(200)) {}
                Issue.record("stream should not end cleanly")
            } catch let error as RPCError {
                #expect(error.code == .deadlineExceeded)
            }
            try await server.waitFor("the expired calls to stop") { $0.callsInFlight == 1 }
            await client.close()
        }
    }

    @Test func theDeadlineStatusLeavesAtTheDeadlineEvenIfTheHandlerIgnoresCancellation() async throws {
        var router = Router()
        router.unary(Methods.whoAmI) { _, _ in
            await withCheckedContinuation { done in DispatchQueue.global().asyncAfter(deadline: .now() + 3) { done.resume() } }
            throw RPCError(.internal, "the handler ended long after its deadline")
        }
        try await TestServer.with(router: router) { server in
            let client = try await server.client()
            do {
                _ = try await client.unary(Methods.whoAmI, .init(), timeout: .milliseconds(200))
                Issue.record("the call should end at its deadline")
            } catch let error as RPCError {
                // The server's status, not the client's own guard (200 ms + 500 ms, "no answer from the server").
                #expect(error.code == .deadlineExceeded && error.message.contains("200 ms"), "\(error)")
            }
            await client.close()
        }
    }

    @Test func unaryCallWithinDeadlineSucceeds() async throws {
        try await TestServer.with { server in
            let client = try await server.client()
            let reply = try await client.unary(Methods.ping, PingRequest(payload: [1]), timeout: .seconds(5))
            #expect(reply.payload == [1])
            await client.close()
        }
    }

    @Test func closedServerFailsCallsWithUnavailable() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        await server.shutdown()
        do {
            _ = try await client.unary(Methods.ping, PingRequest())
            Issue.record("call on a closed connection succeeded")
        } catch let error as ClientError {
            #expect(error.code == .unavailable)
        }
    }
}
