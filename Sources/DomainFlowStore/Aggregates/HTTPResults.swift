import DomainFlowCore
import Foundation

/// A keyword found on a page: how often, and the context of its first match.
public struct MatchedKeyword: Sendable, Equatable, Codable {
    public let keyword: String
    public let count: UInt64
    public let context: String

    public init(keyword: String, count: UInt64, context: String) {
        self.keyword = keyword
        self.count = count
        self.context = context
    }
}

/// An `http_fetch_summaries` row: what fetching one name came to.
public struct HTTPSummaryRecord: Sendable {
    public var offset: Int64
    public var name: String
    public var url: String
    public var finalURL: String?
    public var statusCode: Int?
    public var title: String?
    public var bodySHA256: String?
    public var bodyBytes: Int64
    public var truncated: Bool
    public var redirects: [String]
    public var server: String?
    public var httpVersion: String?
    /// Whether the final URL is https.
    public var tls: Bool
    public var parkedScore: Double
    public var parkedSignals: [String]
    public var leadScore: Double
    public var isLead: Bool
    public var keywords: [MatchedKeyword]
    /// lead, no_lead, parked, error, …
    public var outcome: String
    public var errorKind: String?
    public var errorMessage: String?
    public var proxyID: UUID?
    public var personaID: UUID?
    public var address: String?
    public var responseTimeMs: Int64?
    public var businessStatus: String

    public init(offset: Int64, name: String, url: String, finalURL: String?, statusCode: Int?, title: String?,
                bodySHA256: String?, bodyBytes: Int64, truncated: Bool, redirects: [String], server: String?,
                httpVersion: String?, tls: Bool, parkedScore: Double, parkedSignals: [String], leadScore: Double,
                isLead: Bool, keywords: [MatchedKeyword], outcome: String, errorKind: String?, errorMessage: String?,
                proxyID: UUID?, personaID: UUID?, address: String?, responseTimeMs: Int64?, businessStatus: String) {
        self.offset = offset
        self.name = name
        self.url = url
        self.finalURL = finalURL
        self.statusCode = statusCode
        self.title = title
        self.bodySHA256 = bodySHA256
        self.bodyBytes = bodyBytes
        self.truncated = truncated
        self.redirects = redirects
        self.server = server
        self.httpVersion = httpVersion
        self.tls = tls
        self.parkedScore = parkedScore
        self.parkedSignals = parkedSignals
        self.leadScore = leadScore
        self.isLead = isLead
        self.keywords = keywords
        self.outcome = outcome
        self.errorKind = errorKind
        self.errorMessage = errorMessage
        self.proxyID = proxyID
        self.personaID = personaID
        self.address = address
        self.responseTimeMs = responseTimeMs
        self.businessStatus = businessStatus
    }

    /// The stored columns, in the order of the COPY and of `init(_:)`.
    static let columns = [
        "campaign_id", "offset_index", "domain_name", "url", "final_url", "status_code", "title", "body_sha256",
        "body_bytes", "truncated", "redirect_chain", "server_header", "http_version", "tls", "parked_score",
        "parked_signals", "lead_score", "is_lead", "keywords", "outcome", "error_kind", "error_message", "proxy_id",
        "persona_id", "address", "response_time_ms", "business_status",
    ]

    init(_ row: Row) throws(StoreError) {
        func lines(_ index: Int) -> [String] { row.optionalString(index).map { $0.split(separator: "\n").map(String.init) } ?? [] }
        offset = try row.int(1)
        name = try row.string(2)
        url = try row.string(3)
        finalURL = row.optionalString(4)
        statusCode = try row.optionalInt(5).map(Int.init)
        title = row.optionalString(6)
        bodySHA256 = row.optionalString(7)
        bodyBytes = try row.optionalInt(8) ?? 0
        truncated = try row.optionalBool(9) ?? false
        redirects = lines(10)
        server = row.optionalString(11)
        httpVersion = row.optionalString(12)
        tls = try row.optionalBool(13) ?? false
        parkedScore = try row.double(14)
        parkedSignals = lines(15)
        leadScore = try row.double(16)
        isLead = try row.bool(17)
        keywords = (try? JSONDecoder().decode([MatchedKeyword].self, from: Data(try row.json(18).utf8))) ?? []
        outcome = try row.string(19)
        errorKind = row.optionalString(20)
        errorMessage = row.optionalString(21)
        proxyID = try row.optionalUUID(22)
        personaID = try row.optionalUUID(23)
        address = row.optionalString(24)
        responseTimeMs = try row.optionalInt(25)
        businessStatus = try row.string(26)
    }

    func values(campaign: PGValue) -> [PGValue?] {
        let keywordsJSON = "[" + keywords.map {
            #"{"keyword":\#(JSONText.quote($0.keyword)),"count":\#($0.count),"context":\#(JSONText.quote($0.context))}"#
        }.joined(separator: ",") + "]"
        return [
            campaign, .int(offset), .text(name), .text(url), finalURL.map(PGValue.text), statusCode.map(PGValue.int),
            title.map(PGValue.text), bodySHA256.map(PGValue.text), .int(bodyBytes), .bool(truncated),
            redirects.isEmpty ? nil : .text(redirects.joined(separator: "\n")), server.map(PGValue.text),
            httpVersion.map(PGValue.text), .bool(tls), .double(parkedScore),
            parkedSignals.isEmpty ? nil : .text(parkedSignals.joined(separator: "\n")), .double(leadScore), .bool(isLead),
            .json(keywordsJSON), .text(outcome), errorKind.map(PGValue.text), errorMessage.map(PGValue.text),
            proxyID.map(PGValue.uuid), personaID.map(PGValue.uuid), address.map(PGValue.text),
            responseTimeMs.map(PGValue.int), .text(businessStatus),
        ]
    }
}

/// A keyword found on a fetched page, as `http_keyword_results` keeps it.
public struct KeywordHitRecord: Sendable {
    public var offset: Int64
    /// The page's final URL.
    public var url: String
    public var keyword: String
    public var occurrences: Int64
    public var context: String?
    public var responseCode: Int?
    public var responseTimeMs: Int64?
    public var businessStatus: String

    public init(offset: Int64, url: String, keyword: String, occurrences: Int64, context: String?, responseCode: Int?,
                responseTimeMs: Int64?, businessStatus: String) {
        self.offset = offset
        self.url = url
        self.keyword = keyword
        self.occurrences = occurrences
        self.context = context
        self.responseCode = responseCode
        self.responseTimeMs = responseTimeMs
        self.businessStatus = businessStatus
    }
}

/// What `HTTPResults.page` selects.
public struct HTTPResultFilter: Sendable {
    public var leadsOnly: Bool
    /// The lowest lead score kept (nil: any).
    public var minScore: Double?

    public init(leadsOnly: Bool = false, minScore: Double? = nil) {
        self.leadsOnly = leadsOnly
        self.minScore = minScore
    }
}

/// The statements of an HTTP campaign's results.
public enum HTTPResults {
    private enum SQL {
        static let page = Statement("http_results_page", """
            SELECT \(HTTPSummaryRecord.columns.joined(separator: ", ")) FROM http_fetch_summaries
            WHERE campaign_id = $1 AND offset_index > $2 AND (NOT $4::boolean OR is_lead)
              AND ($5::float8 IS NULL OR lead_score >= $5::float8)
            ORDER BY offset_index LIMIT $3
            """)
    }

    static let prepared = [SQL.page]

    /// Loads a batch's summaries of `campaign`.
    public static func copySummaries(into campaign: UUID) -> CopyStatement<HTTPSummaryRecord> {
        let id = PGValue.uuid(campaign)
        return CopyStatement(table: "http_fetch_summaries", columns: HTTPSummaryRecord.columns) { $0.values(campaign: id) }
    }

    /// Loads a batch's keyword hits of `campaign`.
    public static func copyKeywordHits(into campaign: UUID) -> CopyStatement<KeywordHitRecord> {
        let id = PGValue.uuid(campaign), found = PGValue.bool(true), completed = PGValue.text("completed")
        return CopyStatement(table: "http_keyword_results", columns: [
            "campaign_id", "url", "keyword", "found", "occurrences", "context", "response_code", "response_time_ms",
            "status", "business_status", "offset_index",
        ], newIDs: true) { hit in
            [id, .text(hit.url), .text(hit.keyword), found, .int(hit.occurrences), hit.context.map(PGValue.text),
             hit.responseCode.map(PGValue.int), hit.responseTimeMs.map(PGValue.int), completed, .text(hit.businessStatus),
             .int(hit.offset)]
        }
    }

    /// Up to `limit` summaries after offset `after` (-1: the start), in offset order.
    public static func page(campaign: UUID, after: Int64, limit: Int, _ filter: HTTPResultFilter) -> Query<[HTTPSummaryRecord]> {
        .rows(SQL.page, [.uuid(campaign), .int(after), .int(limit), .bool(filter.leadsOnly), filter.minScore.map(PGValue.double)],
              HTTPSummaryRecord.init)
    }
}
