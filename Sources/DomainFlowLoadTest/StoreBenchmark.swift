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
            let owner = try c.execute(StatementRegistry.insertUser, [.text("bench-\(UUID())"), .text("bench-\(UUID())@example.com"),
                                                                     .text("!"), .text("user"), .bool(false)]).first!.uuid(0)
            func campaign() throws -> UUID {
                try c.execute(StatementRegistry.insertCampaign, [.text("bench"), nil, .text("dns_validation"),
                                                                 .text("running"), .uuid(owner), .json("{}")]).first!.uuid(0)
            }
            let copyCampaign = try campaign()
            let clock = ContinuousClock()
            var start = clock.now
            _ = try c.copyIn(StatementRegistry.dnsResultsCopy, rows: (0..<copyRows).lazy.map { row(copyCampaign, $0) })
            let copySeconds = (clock.now - start).seconds
            let insertCampaign = try campaign()
            start = clock.now
            for i in 0..<insertRows { _ = try c.execute(StatementRegistry.insertDNSResult, row(insertCampaign, i)) }
            let insertSeconds = (clock.now - start).seconds
            return Result(copyRowsPerSecond: Double(copyRows) / copySeconds, insertRowsPerSecond: Double(insertRows) / insertSeconds)
        }
    }

    /// The benchmark's row `i`: the same shape `Scripts/bench` feeds to psql's \\copy.
    static func row(_ campaign: UUID, _ i: Int) -> [PGValue?] {
        [.uuid(campaign), .text("name\(i).example.com"), .text("A"), .text("192.0.2.\(i % 250)"), .bool(true),
         .int(i % 500), nil, .text("completed"), .text("valid_dns"), .text("answer"), .int(i), nil, .int(1), nil, .bool(false)]
    }
}
