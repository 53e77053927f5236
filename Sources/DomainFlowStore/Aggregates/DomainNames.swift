import DomainFlowCore
import Foundation

/// A name of a campaign's input at its offset; `url` set for an uploaded URL line.
public struct NameAtOffset: Sendable, Equatable {
    public let name: String
    public let offset: Int64
    public let url: String?

    public init(name: String, offset: Int64, url: String? = nil) {
        self.name = name
        self.offset = offset
        self.url = url
    }
}

/// The statements of `generated_domains`: the names a campaign generated or was given, and the per-name roll-up of
/// the phases that read them.
public enum DomainNames {
    private enum SQL {
        static let insertUploaded = Statement("uploaded_names_insert", """
            WITH inserted AS (
                INSERT INTO generated_domains (id, campaign_id, domain_name, offset_index, status, business_status, metadata)
                SELECT id, $1, n, o, 'completed', 'uploaded',
                       CASE WHEN url = '' THEN NULL ELSE jsonb_build_object('url', url) END
                FROM unnest($5::uuid[], $2::text[], $3::bigint[], $4::text[]) AS u(id, n, o, url)
                ON CONFLICT (campaign_id, domain_name, (coalesce(metadata->>'url', ''))) DO NOTHING RETURNING 1)
            SELECT count(*) FROM inserted
            """)
        static let ofBatch = Statement("engine_names_of_batch", """
            SELECT domain_name, offset_index, metadata->>'url' FROM generated_domains
            WHERE campaign_id = $1 AND offset_index >= $2 AND offset_index < $3 ORDER BY offset_index
            """)
        static let rollUpDNS = Statement("engine_roll_up_names", """
            UPDATE generated_domains g SET business_status = u.status, is_available = u.available, checked_at = now()
            FROM unnest($2::bigint[], $3::text[], $4::boolean[]) AS u(offset_index, status, available)
            WHERE g.campaign_id = $1 AND g.offset_index = u.offset_index
            """)
        static let rollUpLeads = Statement("engine_roll_up_leads", """
            UPDATE generated_domains g SET business_status = u.status, checked_at = now()
            FROM unnest($2::bigint[], $3::text[]) AS u(offset_index, status)
            WHERE g.campaign_id = $1 AND g.offset_index = u.offset_index
            """)
        static let page = Statement("generated_domains_page", """
            SELECT domain_name, offset_index FROM generated_domains
            WHERE campaign_id = $1 AND offset_index > $2 ORDER BY offset_index LIMIT $3
            """)
    }

    static let prepared = [SQL.insertUploaded, SQL.ofBatch, SQL.rollUpDNS, SQL.rollUpLeads, SQL.page]

    /// Adds uploaded names (a URL line's URL kept with its name), skipping names already there; how many went in.
    /// The conflict is named (the name's unique index), so that each row is checked against that index alone, not
    /// against every unique one; the rows' ids are time-ordered (`TimeOrderedUUIDs`), as a COPY's are.
    public static func insertUploaded(campaign: UUID, _ names: [NameAtOffset]) -> Query<Int> {
        var ids = TimeOrderedUUIDs()
        return .count(SQL.insertUploaded, [.uuid(campaign), .array(names.map(\.name)), .array(names.map { String($0.offset) }),
                                           .array(names.map { $0.url ?? "" }), .array(names.map { _ in ids.next().lowercasedString })])
    }

    /// The names at offsets `range` of the campaign, in offset order.
    public static func ofBatch(campaign: UUID, _ range: Range<Int64>) -> Query<[NameAtOffset]> {
        .rows(SQL.ofBatch, [.uuid(campaign), .int(range.lowerBound), .int(range.upperBound)]) {
            (row: Row) throws(StoreError) -> NameAtOffset in
            NameAtOffset(name: try row.string(0), offset: try row.int(1), url: row.optionalString(2))
        }
    }

    /// A DNS batch's verdict per name: its business status and whether the name looks available.
    public static func rollUpDNS(campaign: UUID, _ names: [(offset: Int64, status: String, available: Bool)]) -> Query<Int> {
        .affectedRows(SQL.rollUpDNS, [.uuid(campaign), .array(names.map { String($0.offset) }), .array(names.map(\.status)),
                                      .array(names.map { $0.available ? "t" : "f" })])
    }

    /// An HTTP batch's verdict per name (lead, no_lead).
    public static func rollUpLeads(campaign: UUID, _ names: [(offset: Int64, status: String)]) -> Query<Int> {
        .affectedRows(SQL.rollUpLeads, [.uuid(campaign), .array(names.map { String($0.offset) }), .array(names.map(\.status))])
    }

    /// Up to `limit` names after offset `after` (-1: from the start), in offset order.
    public static func page(campaign: UUID, after: Int64, limit: Int) -> Query<[NameAtOffset]> {
        .rows(SQL.page, [.uuid(campaign), .int(after), .int(limit)]) { (row: Row) throws(StoreError) -> NameAtOffset in
            NameAtOffset(name: try row.string(0), offset: try row.int(1))
        }
    }

    /// Loads generated names of `campaign` (status completed, business status generated).
    public static func copyGenerated(into campaign: UUID) -> CopyStatement<NameAtOffset> {
        let id = PGValue.uuid(campaign), completed = PGValue.text("completed"), generated = PGValue.text("generated")
        return CopyStatement(table: "generated_domains",
                             columns: ["campaign_id", "domain_name", "offset_index", "status", "business_status"], newIDs: true) { name in
            [id, .text(name.name), .int(name.offset), completed, generated]
        }
    }
}
