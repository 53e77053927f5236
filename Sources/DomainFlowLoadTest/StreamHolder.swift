import DomainFlowClient
import DomainFlowWire

/// Holds many server streams open at once (for the memory benchmark): `connections`
/// clients with `streams` WatchServerStats streams each, read for `duration`.
public enum StreamHolder {
    /// Returns the number of stream messages received.
    public static func hold(socketPath: String, connections: Int, streams: Int, intervalMillis: UInt32,
                            duration: Duration) async throws -> Int {
        guard connections >= 1, streams >= 1, connections * streams <= 1_000_000 else {
            throw LoadTestError("connections × streams must be 1...1000000")
        }
        var clients: [DomainFlowClient] = []
        for _ in 0..<connections {
            clients.append(try await DomainFlowClient.connect(socketPath: socketPath, clientName: "domainflow-loadtest/streams"))
        }
        defer { for client in clients { Task { await client.close() } } }
        let timeout = duration + .seconds(5)
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for client in clients {
                for _ in 0..<streams {
                    group.addTask {
                        var received = 0
                        let stream = try client.serverStream(Methods.watchServerStats,
                            WatchServerStatsRequest(intervalMillis: intervalMillis), timeout: timeout)
                        let end = ContinuousClock.now + duration
                        for try await _ in stream {
                            received += 1
                            if ContinuousClock.now >= end { break }
                        }
                        return received
                    }
                }
            }
            return try await group.reduce(0, +)
        }
    }
}
