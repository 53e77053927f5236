import DomainFlowLoadTest
import DomainFlowWire
import Testing

/// The load-testing harness against a real server, at a small bound.
@Suite struct LoadHarnessTests {
    @Test func closedLoopMixOfEveryScenarioRunsWithoutErrors() async throws {
        try await TestServer.with { server in
            var configuration = LoadConfiguration(socketPath: server.socketPath)
            configuration.connections = 2
            configuration.inFlight = 4
            configuration.requests = 400
            configuration.duration = .seconds(300)  // a bound the request count reaches first, however loaded the machine
            configuration.mix = try ScenarioMix(parsing: "ping:3,server-info:1")
            let report = try await LoadRunner.run(configuration)
            #expect(report.requests == 400)
            #expect(report.errorsByCode.isEmpty)
            #expect(report.histogram.totalCount == 400)
            #expect(report.micros(50) > 0 && report.micros(50) <= report.micros(99))
            let info = try await server.info()
            #expect(info.callsServed >= 400, "the calls really reached the server")
        }
    }

    @Test func openLoopHoldsItsRateAndStopsAtDuration() async throws {
        try await TestServer.with { server in
            var configuration = LoadConfiguration(socketPath: server.socketPath)
            configuration.inFlight = 8
            configuration.rate = 200
            configuration.duration = .milliseconds(500)
            let report = try await LoadRunner.run(configuration)
            #expect(report.requests + report.unsent == 100, "rate × duration calls were due: each sent or counted as not sent")
            #expect(report.errorsByCode.isEmpty)
            #expect(report.json.contains("\"mode\":\"open\""))
        }
    }

    /// Past what the server can take, the open loop still ends at its duration and says how many due calls it
    /// never sent; a stop request ends a run early with the report so far.
    @Test func anOverloadedOpenLoopEndsAtItsDurationAndCountsWhatItDidNotSend() async throws {
        try await TestServer.with { server in
            var configuration = LoadConfiguration(socketPath: server.socketPath)
            configuration.connections = 1
            configuration.inFlight = 2
            configuration.rate = 1_000_000
            configuration.duration = .milliseconds(300)
            let report = try await LoadRunner.run(configuration)
            // Calls left unsent: it stopped at its duration, not when every due call was sent.
            #expect(report.unsent > 0 && report.requests + report.unsent == 300_000, "\(report.requests) sent, \(report.unsent) not")
            #expect(report.summary.contains("due calls not sent") && report.json.contains("\"unsent\":\(report.unsent)"))

            var long = LoadConfiguration(socketPath: server.socketPath)
            long.duration = .seconds(600)
            let stop = LoadRunner.Stop()
            // Stopped once calls have been made (the progress report comes about once a second).
            let early = try await LoadRunner.run(long, stop: stop) { completed, _ in if completed > 0 { stop.request() } }
            #expect(early.stoppedEarly && early.requests > 0 && early.elapsed < long.duration)
        }
    }

    @Test func errorsAreCountedByStatusCode() async throws {
        let path = TestServer.temporarySocketPath()
        let echo = try await EchoServer.start(socketPath: path, threads: 1)
        var configuration = LoadConfiguration(socketPath: path)
        configuration.requests = 20
        configuration.mix = ScenarioMix([(.serverInfo, 1)])  // the echo floor implements only Ping
        let report = try await LoadRunner.run(configuration)
        #expect(report.errorsByCode == ["UNIMPLEMENTED": 20])
        configuration.mix = ScenarioMix([(.ping, 1)])
        configuration.payloadSize = 100
        let pings = try await LoadRunner.run(configuration)
        #expect(pings.errorsByCode.isEmpty && pings.requests == 20)
        await echo.stop()
    }

    @Test func scenarioMixParsingRejectsBadInput() throws {
        #expect(throws: LoadTestError.self) { try ScenarioMix(parsing: "pong") }
        #expect(throws: LoadTestError.self) { try ScenarioMix(parsing: "ping:0") }
        #expect(throws: LoadTestError.self) { try ScenarioMix(parsing: "") }
        #expect(try ScenarioMix(parsing: "ping:2, server-info") == ScenarioMix([(.ping, 2), (.serverInfo, 1)]))
    }

    @Test func invalidBoundsAreRefused() async throws {
        var configuration = LoadConfiguration(socketPath: "/nonexistent")
        configuration.connections = 0
        await #expect(throws: LoadTestError.self) { _ = try await LoadRunner.run(configuration) }
    }
}

@Suite struct StreamHolderTests {
    @Test func holdsManyStreamsAndReceivesFromAll() async throws {
        try await TestServer.with { server in
            let received = try await StreamHolder.hold(socketPath: server.socketPath, connections: 4, streams: 8,
                                                       intervalMillis: 50, duration: .milliseconds(300))
            #expect(received >= 32, "every stream delivered")
            try await server.waitFor("the held streams to end") { $0.callsInFlight == 1 }
        }
    }
}

@Suite struct LoadHarnessServiceScenarioTests {
    @Test func everyScenarioRunsAgainstAServerWithAStoreAndCleansUp() async throws {
        try await AuthHarness.with { h in
            let admin = try await h.admin()
            var configuration = LoadConfiguration(socketPath: h.server.socketPath)
            configuration.authToken = admin.authToken
            configuration.connections = 2
            configuration.inFlight = 2
            configuration.requests = 70
            configuration.duration = .seconds(60)
            configuration.streamRows = 100
            configuration.mix = try ScenarioMix(parsing: Scenario.allCases.map(\.rawValue).joined(separator: ","))
            let report = try await LoadRunner.run(configuration)
            #expect(report.requests == 70)
            #expect(report.errorsByCode.isEmpty, "\(report.errorsByCode)")
            #expect(report.streamedRows == 10 * 100, "10 stream-results calls of the 100-name fixture")
            #expect(try await h.count("SELECT count(*) FROM campaigns") == 0, "fixture and created campaigns deleted")
            await admin.close()
        }
    }
}
