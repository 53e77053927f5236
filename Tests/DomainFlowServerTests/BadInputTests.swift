import DomainFlowWire
import Testing

/// Malformed and hostile input: each must get the right status, and leave the server
/// (and other connections) working.
@Suite struct BadInputTests {
    /// Asserts the server still answers a ping on a fresh connection.
    private func assertServerHealthy(_ server: TestServer) async throws {
        let client = try await server.client()
        #expect(try await client.unary(Methods.ping, PingRequest(payload: [42])).payload == [42])
        await client.close()
    }

    @Test func oversizedFrameGetsResourceExhaustedAndClose() async throws {
        try await TestServer.with({ $0.maxFrameBytes = 1024 }) { server in
            let bystander = try await server.client()
            let raw = try RawConnection(path: server.socketPath)
            try await raw.handshake()
            // Announce 1 GiB; send only the prefix. The server must answer without waiting for (or allocating) it.
            raw.send(bytes: [0x40, 0x00, 0x00, 0x00])
            guard case .status(let status) = try await raw.readFrame() else { throw TestFailure("expected a status") }
            #expect(status.callID == 0)
            #expect(status.code == .resourceExhausted)
            #expect(try await raw.readFrame() == nil, "connection closed")
            #expect(try await bystander.unary(Methods.ping, PingRequest(payload: [1])).payload == [1])
            await bystander.close()
            try await assertServerHealthy(server)
        }
    }

    @Test func truncatedFrameThenEOFIsHarmless() async throws {
        try await TestServer.with { server in
            do {
                let raw = try RawConnection(path: server.socketPath)
                try await raw.handshake()
                raw.send(bytes: [0x00, 0x00, 0x01, 0x00, 0x0A, 0x01])  // 256 announced, 2 sent
            }  // closed here
            try await server.waitFor("the truncated connection to go") { $0.openConnections == 1 }
            try await assertServerHealthy(server)
        }
    }

    @Test func bytesThatAreNotProtobufGetInvalidArgumentAndConnectionSurvives() async throws {
        try await TestServer.with { server in
            let raw = try RawConnection(path: server.socketPath)
            try await raw.handshake()
            raw.send(bytes: [0x00, 0x00, 0x00, 0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
            guard case .status(let status) = try await raw.readFrame() else { throw TestFailure("expected a status") }
            #expect(status.callID == 0)
            #expect(status.code == .invalidArgument)
            try raw.request(Methods.ping, PingRequest(payload: [7]), callID: 1)
            let (responses, end) = try await raw.readCall(1)
            #expect(end.code == .ok)
            #expect(try PingResponse(fields: responses[0].message).payload == [7])
        }
    }

    @Test func unknownMethodIsUnimplemented() async throws {
        try await TestServer.with { server in
            let raw = try RawConnection(path: server.socketPath)
            try await raw.handshake()
            // Request{call_id: 5, field 200: {}}: a method number this server has never heard of.
            let request: [UInt8] = [0x08, 0x05, 0xC2, 0x0C, 0x00]
            raw.send(bytes: [0x00, 0x00, 0x00, UInt8(request.count + 2), 0x12, UInt8(request.count)] + request)
            let (responses, status) = try await raw.readCall(5)
            #expect(responses.isEmpty)
            #expect(status.code == .unimplemented)
            #expect(status.message.contains("200"))
            // Known field number, but no handler: a request naming no method at all.
            try raw.send(.request(Request(callID: 6, method: 0, message: ProtoFields())))
            #expect(try await raw.readCall(6).status.code == .unimplemented)
        }
    }

    @Test func duplicateCallIDIsRefusedAndOriginalCallUnaffected() async throws {
        try await TestServer.with { server in
            let raw = try RawConnection(path: server.socketPath)
            try await raw.handshake()
            try raw.request(Methods.watchServerStats, WatchServerStatsRequest(intervalMillis: 50, count: 4), callID: 9)
            try raw.request(Methods.ping, PingRequest(payload: [1]), callID: 9)
            var sawRefusal = false
            var streamed = 0
            while let frame = try await raw.readFrame() {
                switch frame {
                case .status(let s) where s.callID == 0:
                    #expect(s.code == .invalidArgument)
                    #expect(s.message.contains("9"))
                    sawRefusal = true
                case .response(let r):
                    #expect(r.method == Methods.watchServerStats.number, "the duplicate ping was never run")
                    streamed += 1
                case .status(let s):
                    #expect(s.callID == 9)
                    #expect(s.code == .ok)
                    #expect(sawRefusal)
                    #expect(streamed == 4, "original stream finished in full")
                    return
                default:
                    Issue.record("unexpected frame \(frame)")
                }
            }
            Issue.record("connection closed early")
        }
    }

    @Test func callBeforeHelloIsRefusedAndClosed() async throws {
        try await TestServer.with { server in
            let raw = try RawConnection(path: server.socketPath)
            try raw.request(Methods.ping, PingRequest(), callID: 1)
            guard case .status(let status) = try await raw.readFrame() else { throw TestFailure("expected a status") }
            #expect(status.code == .failedPrecondition)
            #expect(try await raw.readFrame() == nil)
            try await assertServerHealthy(server)
        }
    }

    @Test func wrongProtocolVersionIsRefusedAndClosed() async throws {
        try await TestServer.with { server in
            let raw = try RawConnection(path: server.socketPath)
            try raw.hello(version: 99)
            guard case .status(let status) = try await raw.readFrame() else { throw TestFailure("expected a status") }
            #expect(status.code == .failedPrecondition)
            #expect(status.message.contains("99"))
            #expect(try await raw.readFrame() == nil)
        }
    }

    @Test func zeroCallIDIsRefused() async throws {
        try await TestServer.with { server in
            let raw = try RawConnection(path: server.socketPath)
            try await raw.handshake()
            try raw.request(Methods.ping, PingRequest(), callID: 0)
            guard case .status(let status) = try await raw.readFrame() else { throw TestFailure("expected a status") }
            #expect(status.code == .invalidArgument)
        }
    }

    @Test func tooManyConcurrentCallsGetResourceExhausted() async throws {
        try await TestServer.with({ $0.maxConcurrentCallsPerConnection = 2 }) { server in
            let raw = try RawConnection(path: server.socketPath)
            try await raw.handshake()
            try raw.request(Methods.watchServerStats, WatchServerStatsRequest(intervalMillis: 1000), callID: 1)
            try raw.request(Methods.watchServerStats, WatchServerStatsRequest(intervalMillis: 1000), callID: 2)
            try raw.request(Methods.ping, PingRequest(), callID: 3)
            #expect(try await raw.readCall(3).status.code == .resourceExhausted)
        }
    }

    @Test func clientVanishingMidStreamCancelsItsCalls() async throws {
        try await TestServer.with { server in
            do {
                let raw = try RawConnection(path: server.socketPath)
                try await raw.handshake()
                try raw.request(Methods.watchServerStats, WatchServerStatsRequest(intervalMillis: 5), callID: 1)
                _ = try await raw.readFrame()
            }  // socket closed mid-stream
            try await server.waitFor("the vanished client's stream to stop") { $0.callsInFlight == 1 && $0.openConnections == 1 }
            try await assertServerHealthy(server)
        }
    }

    @Test func cancelOfUnknownCallIsIgnored() async throws {
        try await TestServer.with { server in
            let raw = try RawConnection(path: server.socketPath)
            try await raw.handshake()
            try raw.send(.cancel(callID: 12345))
            try raw.request(Methods.ping, PingRequest(payload: [3]), callID: 1)
            #expect(try await raw.readCall(1).status.code == .ok)
        }
    }

    @Test func cancelFrameEndsStreamWithCancelled() async throws {
        try await TestServer.with { server in
            let raw = try RawConnection(path: server.socketPath)
            try await raw.handshake()
            try raw.request(Methods.watchServerStats, WatchServerStatsRequest(intervalMillis: 20), callID: 4)
            _ = try await raw.readFrame()
            try raw.send(.cancel(callID: 4))
            #expect(try await raw.readCall(4).status.code == .cancelled)
        }
    }
}
