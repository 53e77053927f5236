import DomainFlowStore
import Foundation
import Logging

/// Rows per second into `dns_validation_results` through the store: by COPY, and by
/// prepared single-row inserts (one round trip each, autocommit).
public enum StoreBenchmark {
    public struct Result: Sendable {
        public let copyRowsPerSecond: Double
        public let insertRowsPerSecond: Double
    }

    public static func run(connectionString: String, copyRows: Int, insertRows: Int) async throws -> Result {
        var logger = Logger(label: "domainflow.store-bench")
        logger.logLevel = .warning
        let store = try await Store.open(ConnectionPool.Configuration(connectionString: connectionString, size: 1), logger: logger)
        defer { Task { await store.shutdown() } }
        return try await store.pool.withConnection { c in
            let owner = try c.run(Users.insertForTests(username: "bench-\(UUID())", email: "bench-\(UUID())@example.com",
                                                       passwordHash: "!", roleName: "user", isActive: false))
            func campaign() throws -> UUID {
                try c.run(Campaigns.insertForTests(name: "bench", typeName: "dns_validation", status: "running", ownerID: owner))
            }
            let copyCampaign = try campaign()
            let clock = ContinuousClock()
            var start = clock.now
            try c.copy(DNSResults.copy(into: copyCampaign), (0..<copyRows).lazy.map(row))
            let copySeconds = (clock.now - start).seconds
            let insertCampaign = try campaign()
            start = clock.now
            for i in 0..<insertRows { try c.run(DNSResults.insertForTests(campaign: insertCampaign, row(i))) }
            let insertSeconds = (clock.now - start).seconds
            return Result(copyRowsPerSecond: Double(copyRows) / copySeconds, insertRowsPerSecond: Double(insertRows) / insertSeconds)
        }
    }

    /// The benchmark's row `i`: the same shape `Scripts/bench` feeds to psql's \\copy.
    static func row(_ i: Int) -> DNSResultRecord {
        DNSResultRecord(name: "name\(i).example.com", recordType: "A", outcome: "answer", records: ["192.0.2.\(i % 250)"],
                        businessStatus: "valid_dns", responseTimeMs: Int64(i % 500), resolver: nil, attempts: 1, cnameChain: [],
                        message: nil, offset: Int64(i), isAvailable: false)
    }
}
