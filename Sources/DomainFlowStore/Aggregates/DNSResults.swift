import Foundation

/// A `dns_validation_results` row: what one record type of one name came to.
public struct DNSResultRecord: Sendable, Equatable {
    public var name: String
    /// A, AAAA, CNAME, MX, NS or TXT.
    public var recordType: String
    /// answer, nodata, nxdomain, servfail, refused, timeout, error or wildcard.
    public var outcome: String
    public var records: [String]
    /// valid_dns, wildcard_dns, invalid_dns or dns_error.
    public var businessStatus: String
    public var responseTimeMs: Int64?
    /// The resolver that gave the final answer.
    public var resolver: String?
    public var attempts: Int64
    public var cnameChain: [String]
    public var message: String?
    public var offset: Int64
    /// Whether enough resolvers agreed on NXDOMAIN for the name to look available.
    public var isAvailable: Bool

    public init(name: String, recordType: String, outcome: String, records: [String], businessStatus: String,
                responseTimeMs: Int64?, resolver: String?, attempts: Int64, cnameChain: [String], message: String?,
                offset: Int64, isAvailable: Bool) {
        self.name = name
        self.recordType = recordType
        self.outcome = outcome
        self.records = records
        self.businessStatus = businessStatus
        self.responseTimeMs = responseTimeMs
        self.resolver = resolver
        self.attempts = attempts
        self.cnameChain = cnameChain
        self.message = message
        self.offset = offset
        self.isAvailable = isAvailable
    }

    static let columns = """
        domain_name, record_type, outcome, record_value, business_status, response_time_ms, resolver, attempts,
        cname_chain, error_message, offset_index, is_available
        """

    init(_ row: Row) throws(StoreError) {
        name = try row.string(0)
        recordType = try row.string(1)
        outcome = try row.string(2)
        records = row.optionalString(3).map { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) } ?? []
        businessStatus = try row.string(4)
        responseTimeMs = try row.optionalInt(5)
        resolver = row.optionalString(6)
        attempts = try row.int(7)
        cnameChain = row.optionalString(8).map { $0.split(separator: "\n").map(String.init) } ?? []
        message = row.optionalString(9)
        offset = try row.int(10)
        isAvailable = try row.bool(11)
    }

    /// The stored columns, in the order of `DNSResults.storedColumns`.
    func values(campaign: PGValue) -> [PGValue?] {
        [campaign, .text(name), .text(recordType), records.isEmpty ? nil : .text(records.joined(separator: "\n")),
         .bool(businessStatus == "valid_dns"), responseTimeMs.map(PGValue.int), message.map(PGValue.text),
         DNSResults.completed, .text(businessStatus), .text(outcome), .int(offset), resolver.map(PGValue.text),
         .int(attempts), cnameChain.isEmpty ? nil : .text(cnameChain.joined(separator: "\n")), .bool(isAvailable)]
    }
}

/// What `DNSResults.page` selects.
public struct DNSResultFilter: Sendable {
    /// Outcomes to keep (nil: all).
    public var outcomes: [String]?
    /// Only rows of names found live (valid_dns).
    public var liveOnly: Bool
    /// Only rows of names that look available.
    public var availableOnly: Bool

    public init(outcomes: [String]? = nil, liveOnly: Bool = false, availableOnly: Bool = false) {
        self.outcomes = outcomes
        self.liveOnly = liveOnly
        self.availableOnly = availableOnly
    }
}

/// A live name of a DNS campaign with the first address it stored (A before AAAA).
public struct LiveName: Sendable {
    public let name: String
    public let offset: Int64
    public let address: String
}

/// The statements of a DNS campaign's results.
public enum DNSResults {
    static let completed = PGValue.text("completed")
    static let storedColumns = [
        "campaign_id", "domain_name", "record_type", "record_value", "is_valid", "response_time_ms", "error_message",
        "status", "business_status", "outcome", "offset_index", "resolver", "attempts", "cname_chain", "is_available",
    ]

    private enum SQL {
        static let page = Statement("dns_results_page", """
            SELECT \(DNSResultRecord.columns) FROM dns_validation_results
            WHERE campaign_id = $1 AND (offset_index, record_type) > ($2::bigint, $3::text)
              AND ($5::text[] IS NULL OR outcome = ANY($5::text[]))
              AND (NOT $6::boolean OR business_status = 'valid_dns') AND (NOT $7::boolean OR is_available)
            ORDER BY offset_index, record_type LIMIT $4
            """)
        static let liveNames = Statement("engine_live_names", """
            SELECT DISTINCT ON (offset_index) domain_name, offset_index, split_part(record_value, E'\\n', 1)
            FROM dns_validation_results
            WHERE campaign_id = $1 AND offset_index >= $2 AND offset_index < $3 AND business_status = 'valid_dns'
              AND record_type IN ('A', 'AAAA')
            ORDER BY offset_index, record_type
            """)
        /// Tests and benches only (not prepared on every connection).
        static let insertForTests = Statement("dns_results_insert", """
            INSERT INTO dns_validation_results (\(DNSResults.storedColumns.joined(separator: ", ")))
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            ON CONFLICT (campaign_id, domain_name, record_type) DO NOTHING
            """)
        static let allForTests = Statement("dns_results_of_campaign", """
            SELECT \(DNSResultRecord.columns) FROM dns_validation_results WHERE campaign_id = $1
            ORDER BY domain_name, record_type
            """)
        static let countForTests = Statement("dns_results_count",
            "SELECT count(*) FROM dns_validation_results WHERE campaign_id = $1")
    }

    static let prepared = [SQL.page, SQL.liveNames]
    /// Statements only tests and benches run, prepared on first use.
    static let preparedOnFirstUse = [SQL.insertForTests, SQL.allForTests, SQL.countForTests]

    /// Loads a batch's rows of `campaign`.
    public static func copy(into campaign: UUID) -> CopyStatement<DNSResultRecord> {
        let id = PGValue.uuid(campaign)
        return CopyStatement(table: "dns_validation_results", columns: storedColumns, newIDs: true) { $0.values(campaign: id) }
    }

    /// Up to `limit` rows after the cursor (offset, record type; -1 and "" for the start), in that order.
    public static func page(campaign: UUID, after: (offset: Int64, recordType: String), limit: Int,
                            _ filter: DNSResultFilter) -> Query<[DNSResultRecord]> {
        .rows(SQL.page, [.uuid(campaign), .int(after.offset), .text(after.recordType), .int(limit),
                         filter.outcomes.map { PGValue.array($0) }, .bool(filter.liveOnly), .bool(filter.availableOnly)],
              DNSResultRecord.init)
    }

    /// The live names at offsets `range` of a DNS campaign, each with its first stored address.
    public static func liveNames(campaign: UUID, _ range: Range<Int64>) -> Query<[LiveName]> {
        .rows(SQL.liveNames, [.uuid(campaign), .int(range.lowerBound), .int(range.upperBound)]) {
            (row: Row) throws(StoreError) -> LiveName in
            LiveName(name: try row.string(0), offset: try row.int(1), address: try row.string(2))
        }
    }

    /// Tests and benches: one row through an idempotent insert (a row already there stays).
    public static func insertForTests(campaign: UUID, _ record: DNSResultRecord) -> Query<Int> {
        .affectedRows(SQL.insertForTests, record.values(campaign: .uuid(campaign)))
    }

    /// Tests: every row of the campaign, by name and record type.
    public static func allForTests(campaign: UUID) -> Query<[DNSResultRecord]> {
        .rows(SQL.allForTests, [.uuid(campaign)], DNSResultRecord.init)
    }

    /// Tests and benches: how many rows the campaign has.
    public static func countForTests(campaign: UUID) -> Query<Int> { .count(SQL.countForTests, [.uuid(campaign)]) }
}
