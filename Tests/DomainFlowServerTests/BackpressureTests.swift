import DomainFlowWire
import Testing

@Suite struct BackpressureTests {
    @Test func streamToClientThatNeverReadsStaysBounded() async throws {
        try await TestServer.with { server in
            let raw = try RawConnection(path: server.socketPath)
            try await raw.handshake()
            // As fast as possible, forever; and never read.
            try raw.request(Methods.watchServerStats, WatchServerStatsRequest(intervalMillis: 0, count: 0), callID: 1)
            try await Task.sleep(for: .milliseconds(1500))
            let first = try await server.info()
            try await Task.sleep(for: .milliseconds(500))
            let second = try await server.info()
            // Unbounded production would be hundreds of MB by now; the server holds at most its
            // high-water mark (64 KiB) plus one message.
            #expect(first.outboundBufferedBytes < 256 * 1024)
            #expect(second.outboundBufferedBytes < 256 * 1024)
            // What is queued in total (kernel socket buffers included) is bounded too.
            let queued = raw.drainAvailable()
            #expect(queued > 0, "the stream did produce")
            #expect(queued < 16 * 1024 * 1024)
        }
    }
}
