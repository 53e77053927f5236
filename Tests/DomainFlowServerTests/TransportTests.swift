import DomainFlowWire
import NIOCore
import Testing

/// The server's socket transport (`SocketConnection`): frames however the bytes arrive, and replies larger than
/// the socket takes at once.
@Suite struct TransportTests {
    /// 200 pipelined Pings: the first three frames arrive a byte at a time, the rest in one write; every call is
    /// answered, with its own payload.
    @Test func framesSplitAtEveryByteOrPackedTogetherAreEachAnswered() async throws {
        try await TestServer.with { server in
            let raw = try RawConnection(path: server.socketPath)
            try await raw.handshake()
            var frames: [[UInt8]] = []
            for callID in UInt64(1)...200 {
                var buffer = ByteBuffer()
                let message = PingRequest(payload: Array("call \(callID)".utf8)).fields
                try FrameCodec.encode(.request(Request(callID: callID, method: Methods.ping.number, message: message)), into: &buffer)
                frames.append(Array(buffer.readableBytesView))
            }
            for byte in frames[0..<3].joined() {
                raw.send(bytes: [byte])
                try await Task.sleep(for: .microseconds(200))
            }
            raw.send(bytes: Array(frames[3...].joined()))
            var answered: [UInt64: [UInt8]] = [:]
            var ended: Set<UInt64> = []
            while ended.count < 200, let frame = try await raw.readFrame() {
                switch frame {
                case .response(let response): answered[response.callID] = try PingResponse(fields: response.message).payload
                case .status(let status):
                    #expect(status.code == .ok, "call \(status.callID): \(status.message)")
                    ended.insert(status.callID)
                default: Issue.record("unexpected frame \(frame)")
                }
            }
            #expect(ended == Set(1...200))
            for callID in UInt64(1)...200 { #expect(answered[callID] == Array("call \(callID)".utf8)) }
        }
    }

    /// A 3 MiB Ping is read across many reads and its 3 MiB answer written across many writes (the socket takes a
    /// few hundred KiB at a time), while a second connection is answered meanwhile.
    @Test func aFrameLargerThanTheSocketsBuffersGoesBothWays() async throws {
        try await TestServer.with { server in
            let raw = try RawConnection(path: server.socketPath)
            try await raw.handshake()
            let payload = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            try raw.request(Methods.ping, PingRequest(payload: payload), callID: 9)
            let bystander = try await server.client()
            #expect(try await bystander.unary(Methods.ping, PingRequest(payload: [5])).payload == [5])
            await bystander.close()
            let (responses, status) = try await raw.readCall(9)
            #expect(status.code == .ok)
            #expect(responses.count == 1)
            #expect(try responses.first.map { try PingResponse(fields: $0.message).payload } == payload)
        }
    }
}
