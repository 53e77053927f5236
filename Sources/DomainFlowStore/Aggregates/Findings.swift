import Foundation

/// A finding of a DNS campaign, as stored: a wildcard zone's signature, a lying resolver.
public struct FindingRecord: Sendable {
    /// wildcard_probe or lying_resolver.
    public let kind: String
    /// The zone probed, or the resolver's address.
    public let subject: String
    /// The wildcard's signature (JSON), or the zone the resolver lied about.
    public let detail: String

    public init(kind: String, subject: String, detail: String) {
        self.kind = kind
        self.subject = subject
        self.detail = detail
    }
}

/// The statements of `campaign_findings`: what a DNS campaign learnt once and every batch reuses.
public enum Findings {
    private enum SQL {
        static let of = Statement("engine_findings",
            "SELECT kind, subject, detail FROM campaign_findings WHERE campaign_id = $1")
        static let insert = Statement("engine_insert_finding", """
            INSERT INTO campaign_findings (campaign_id, kind, subject, detail) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING
            """)
    }

    static let prepared = [SQL.of, SQL.insert]

    public static func of(campaign: UUID) -> Query<[FindingRecord]> {
        .rows(SQL.of, [.uuid(campaign)]) { (row: Row) throws(StoreError) -> FindingRecord in
            FindingRecord(kind: try row.string(0), subject: try row.string(1), detail: try row.string(2))
        }
    }

    /// Records a finding; the first one of a kind and subject stays.
    public static func insert(campaign: UUID, _ finding: FindingRecord) -> Query<Int> {
        .affectedRows(SQL.insert, [.uuid(campaign), .text(finding.kind), .text(finding.subject), .text(finding.detail)])
    }
}
