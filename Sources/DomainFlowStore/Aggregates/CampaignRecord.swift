import DomainFlowCore
import Foundation

/// A `campaigns` row with what hangs off it: its resource links (in list order) and its reported findings.
public struct CampaignRecord: Sendable {
    /// A persona, proxy or keyword set the campaign runs with.
    public struct ResourceLink: Sendable, Equatable {
        /// dns_persona, http_persona, proxy or keyword_set.
        public let kind: String
        public let id: String
    }

    /// A finding worth reporting: a lying resolver, or a zone whose wildcard probe found one.
    public struct Finding: Sendable, Equatable {
        /// lying_resolver or wildcard_probe.
        public let kind: String
        public let subject: String
    }

    public let id: UUID
    public let name: String
    public let description: String?
    /// domain_generation, dns_validation or http_keyword_validation.
    public let typeName: String
    public let status: CampaignStatus
    public let ownerID: UUID
    /// The stored parameters (JSON).
    public let parameters: String
    public let totalItems: Int64
    public let processedItems: Int64
    public let skippedItems: Int64
    public let createdAt: Date?
    public let updatedAt: Date?
    public let startedAt: Date?
    public let completedAt: Date?
    public let errorMessage: String?
    /// The types of the follow-on steps, in order.
    public let pipeline: [String]
    public let sourceCampaignID: UUID?
    public let resources: [ResourceLink]
    /// Result rows per outcome, by outcome name.
    public let outcomeCounts: [String: UInt64]
    public let queriesSent: Int64
    /// nil, or the state of an uploaded input list: open, sealed.
    public let inputState: String?
    public let findings: [Finding]

    /// The columns `init(_:)` reads, in its order.
    static let columns = """
        id, name, description, campaign_type, status, user_id, parameters, total_items, processed_items, skipped_items,
        created_at, updated_at, started_at, completed_at, error_message, pipeline, source_campaign_id,
        (SELECT string_agg(r.resource_type || ':' || r.resource_id, ',' ORDER BY r.resource_type, r.position)
           FROM campaign_resources r WHERE r.campaign_id = campaigns.id),
        outcome_counts, queries_sent, input_state,
        (SELECT string_agg(f.kind || '=' || f.subject, E'\\n' ORDER BY f.kind, f.subject) FROM campaign_findings f
          WHERE f.campaign_id = campaigns.id AND (f.kind = 'lying_resolver' OR f.detail <> '{}'))
        """

    init(_ row: Row) throws(StoreError) {
        id = try row.uuid(0)
        name = try row.string(1)
        description = row.optionalString(2)
        typeName = try row.string(3)
        status = try row.campaignStatus(4)
        ownerID = try row.uuid(5)
        parameters = try row.json(6)
        totalItems = try row.int(7)
        processedItems = try row.int(8)
        skippedItems = try row.int(9)
        createdAt = try row.optionalDate(10)
        updatedAt = try row.optionalDate(11)
        startedAt = try row.optionalDate(12)
        completedAt = try row.optionalDate(13)
        errorMessage = row.optionalString(14)
        pipeline = PostgresArray.words(row.optionalString(15) ?? "{}")
        sourceCampaignID = try row.optionalUUID(16)
        resources = (row.optionalString(17) ?? "").split(separator: ",").compactMap { entry in
            let parts = entry.split(separator: ":", maxSplits: 1)
            return parts.count == 2 ? ResourceLink(kind: String(parts[0]), id: String(parts[1])) : nil
        }
        let counts = try row.json(18)
        outcomeCounts = counts == "{}" ? [:]
            : (try? JSONDecoder().decode([String: UInt64].self, from: Data(counts.utf8))) ?? [:]
        queriesSent = try row.int(19)
        inputState = row.optionalString(20)
        findings = (row.optionalString(21) ?? "").split(separator: "\n").compactMap { line in
            let parts = line.split(separator: "=", maxSplits: 1)
            return parts.count == 2 ? Finding(kind: String(parts[0]), subject: String(parts[1])) : nil
        }
    }
}

/// PostgreSQL's text form of a one-dimensional array of simple words, e.g. `{a,b}`.
enum PostgresArray {
    /// The words between the braces, each without its quotes. Trimmed by hand: a `CharacterSet` made per call was a
    /// visible share of every GetCampaign (Foundation builds it from the string each time).
    static func words(_ text: String) -> [String] {
        text.utf8.split { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "}") }.map { word in
            var word = word[...]
            while word.first == UInt8(ascii: "\"") { word.removeFirst() }
            while word.last == UInt8(ascii: "\"") { word.removeLast() }
            return String(decoding: word, as: UTF8.self)
        }
    }
}
