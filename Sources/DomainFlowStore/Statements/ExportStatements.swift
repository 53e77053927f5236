import Foundation

/// The statements of `ExportCampaignResults`: PostgreSQL formats the rows (CSV, or one JSON object
/// per line) and `COPY ... TO STDOUT` streams them, a range of input offsets at a time.
///
/// COPY takes no parameters, so its text is constant: the values come from `settings`, a prepared
/// statement run first in the same transaction, and the COPY reads them with `current_setting`.
public enum ExportStatements {
    /// What is exported.
    public enum Source: Sendable {
        case names, dns, http, httpKeywords, leads
    }

    public enum Format: Sendable {
        case csv, jsonl
    }

    /// What one range's COPY selects: the campaign, offsets `from ..< to`, and the request's filters.
    public struct Settings: Sendable {
        public var campaign: UUID
        /// Outcomes to keep (empty: all); names checked against the known outcomes by the caller.
        public var outcomes: [String]
        public var liveOnly: Bool
        public var availableOnly: Bool
        public var leadsOnly: Bool
        public var minScore: Double

        public init(campaign: UUID, outcomes: [String], liveOnly: Bool, availableOnly: Bool, leadsOnly: Bool,
                    minScore: Double) {
            self.campaign = campaign
            self.outcomes = outcomes
            self.liveOnly = liveOnly
            self.availableOnly = availableOnly
            self.leadsOnly = leadsOnly
            self.minScore = minScore
        }
    }

    private enum SQL {
        /// Local to the transaction.
        static let settings = Statement("export_settings", """
            SELECT set_config('domainflow.x_campaign', $1, true), set_config('domainflow.x_from', $2, true),
                   set_config('domainflow.x_to', $3, true), set_config('domainflow.x_outcomes', $4, true),
                   set_config('domainflow.x_live', $5, true), set_config('domainflow.x_available', $6, true),
                   set_config('domainflow.x_leads', $7, true), set_config('domainflow.x_min_score', $8, true)
            """)
        static let namesRange = Statement("export_range_names",
            "SELECT min(offset_index), max(offset_index) FROM generated_domains WHERE campaign_id = $1 AND offset_index >= $2")
        static let dnsRange = Statement("export_range_dns",
            "SELECT min(offset_index), max(offset_index) FROM dns_validation_results WHERE campaign_id = $1 AND offset_index >= $2")
        static let httpRange = Statement("export_range_http",
            "SELECT min(offset_index), max(offset_index) FROM http_fetch_summaries WHERE campaign_id = $1 AND offset_index >= $2")
    }

    /// The prepared statements of the export (the COPY texts are not prepared: COPY cannot be).
    static let prepared = [SQL.settings, SQL.namesRange, SQL.dnsRange, SQL.httpRange]

    /// Hands `settings` and the range `from ..< to` to the COPY that follows in the same transaction.
    public static func apply(_ settings: Settings, from: Int64, to: Int64) -> Query<Int> {
        // Outcomes were checked against the known names, so the array literal needs no quoting.
        .affectedRows(SQL.settings, [
            .text(settings.campaign.lowercasedString), .text(String(from)), .text(String(to)),
            .text("{" + settings.outcomes.joined(separator: ",") + "}"), .text(settings.liveOnly ? "true" : "false"),
            .text(settings.availableOnly ? "true" : "false"), .text(settings.leadsOnly ? "true" : "false"),
            .text(String(settings.minScore)),
        ])
    }

    /// The lowest and highest input offsets of `source`'s rows at or after `start`; nil when there is none.
    public static func offsetRange(_ source: Source, campaign: UUID, start: Int64) -> Query<ClosedRange<Int64>?> {
        let statement = switch source {
        case .names: SQL.namesRange
        case .dns: SQL.dnsRange
        case .http, .httpKeywords, .leads: SQL.httpRange
        }
        return Query(statement, [.uuid(campaign), .int(start)]) { (result: QueryResult) throws(StoreError) -> ClosedRange<Int64>? in
            guard let row = result.first, let low = try row.optionalInt(0), let high = try row.optionalInt(1) else { return nil }
            return low...high
        }
    }

    /// The COPY of one offset range of `source` in `format` (CSV with a header line when `header`).
    public static func copy(_ source: Source, _ format: Format, header: Bool) -> String {
        let select = format == .csv ? csvSelect(source) : "SELECT json_build_object(\(jsonFields(source)))::text \(from(source))"
        let options = switch format {
        case .csv: header ? "FORMAT csv, HEADER" : "FORMAT csv"
        // One JSON text per line, unquoted: JSON escapes every control character, so a quote and a
        // delimiter that are control characters never occur and CSV mode passes the text through as is.
        case .jsonl: "FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02'"
        }
        return "COPY (\(select)) TO STDOUT WITH (\(options))"
    }

    private static let inRange = """
        campaign_id = current_setting('domainflow.x_campaign')::uuid
          AND offset_index >= current_setting('domainflow.x_from')::bigint
          AND offset_index < current_setting('domainflow.x_to')::bigint
        """

    private static let httpFilters = """
        AND (NOT current_setting('domainflow.x_leads')::boolean OR is_lead)
        AND lead_score >= current_setting('domainflow.x_min_score')::float8
        """

    private static func from(_ source: Source) -> String {
        switch source {
        case .names:
            "FROM generated_domains WHERE \(inRange) ORDER BY offset_index"
        case .dns:
            """
            FROM dns_validation_results WHERE \(inRange)
              AND (cardinality(current_setting('domainflow.x_outcomes')::text[]) = 0
                   OR outcome = ANY (current_setting('domainflow.x_outcomes')::text[]))
              AND (NOT current_setting('domainflow.x_live')::boolean OR business_status = 'valid_dns')
              AND (NOT current_setting('domainflow.x_available')::boolean OR is_available)
            ORDER BY offset_index, record_type
            """
        case .http:
            "FROM http_fetch_summaries WHERE \(inRange) \(httpFilters) ORDER BY offset_index"
        case .leads:
            "FROM http_fetch_summaries WHERE \(inRange) AND is_lead \(httpFilters) ORDER BY offset_index"
        case .httpKeywords:
            """
            FROM http_fetch_summaries CROSS JOIN LATERAL jsonb_array_elements(keywords) WITH ORDINALITY AS k(v, n)
            WHERE \(inRange) \(httpFilters) ORDER BY offset_index, k.n
            """
        }
    }

    /// A list stored one item per line, as CSV text (items space-separated) or a JSON array.
    private static func csvList(_ column: String) -> String { "replace(coalesce(\(column), ''), E'\\n', ' ')" }
    private static func jsonList(_ column: String) -> String { "coalesce(to_json(string_to_array(\(column), E'\\n')), '[]'::json)" }
    private static let keywordItem = "(v->>'keyword') || '×' || (v->>'count')"
    private static let keywordsCSV =
        "(SELECT coalesce(string_agg(\(keywordItem), ' ' ORDER BY n), '') FROM jsonb_array_elements(keywords) WITH ORDINALITY AS k(v, n))"
    private static let keywordsJSON =
        "(SELECT coalesce(json_agg(\(keywordItem) ORDER BY n), '[]'::json) FROM jsonb_array_elements(keywords) WITH ORDINALITY AS k(v, n))"
    private static let score = "round(lead_score::numeric, 2)"

    /// The columns of each source: (name, CSV expression, JSON expression). Names are the CSV header and the JSON keys.
    private static func columns(_ source: Source) -> [(String, String, String)] {
        switch source {
        case .names:
            return [("offset", "offset_index", "offset_index"), ("domain_name", "domain_name", "domain_name")]
        case .dns:
            return [
                ("domain_name", "domain_name", "domain_name"), ("record_type", "record_type", "record_type"),
                ("outcome", "outcome", "outcome"), ("records", csvList("record_value"), jsonList("record_value")),
                ("business_status", "business_status", "business_status"),
                ("response_time_ms", "coalesce(response_time_ms, 0)", "coalesce(response_time_ms, 0)"),
                ("resolver", "coalesce(resolver, '')", "coalesce(resolver, '')"), ("attempts", "attempts", "attempts"),
                ("cname_chain", csvList("cname_chain"), jsonList("cname_chain")),
                ("is_available", "CASE WHEN is_available THEN 'true' ELSE 'false' END", "is_available"),
                ("message", "coalesce(error_message, '')", "coalesce(error_message, '')"), ("offset", "offset_index", "offset_index"),
            ]
        case .http:
            return [
                ("domain_name", "domain_name", "domain_name"), ("url", "url", "url"),
                ("final_url", "coalesce(final_url, '')", "coalesce(final_url, '')"),
                ("status_code", "coalesce(status_code, 0)", "coalesce(status_code, 0)"),
                ("title", "coalesce(title, '')", "coalesce(title, '')"), ("business_status", "business_status", "business_status"),
                ("outcome", "outcome", "outcome"), ("score", score, score),
                ("parked", "CASE WHEN outcome = 'parked' THEN 'true' ELSE 'false' END", "outcome = 'parked'"),
                ("keywords", keywordsCSV, keywordsJSON),
                ("error_kind", "coalesce(error_kind, '')", "coalesce(error_kind, '')"),
                ("error", "coalesce(error_message, '')", "coalesce(error_message, '')"),
                ("response_time_ms", "coalesce(response_time_ms, 0)", "coalesce(response_time_ms, 0)"),
                ("redirects", csvList("redirect_chain"), jsonList("redirect_chain")),
                ("address", "coalesce(address, '')", "coalesce(address, '')"), ("offset", "offset_index", "offset_index"),
            ]
        case .httpKeywords:
            return [
                ("domain_name", "domain_name", "domain_name"), ("final_url", "coalesce(final_url, '')", "coalesce(final_url, '')"),
                ("keyword", "v->>'keyword'", "v->>'keyword'"), ("occurrences", "(v->>'count')::bigint", "(v->>'count')::bigint"),
                ("context", "coalesce(v->>'context', '')", "coalesce(v->>'context', '')"),
                ("status_code", "coalesce(status_code, 0)", "coalesce(status_code, 0)"),
                ("business_status", "business_status", "business_status"), ("offset", "offset_index", "offset_index"),
            ]
        case .leads:
            return [
                ("domain_name", "domain_name", "domain_name"), ("score", score, score), ("keywords", keywordsCSV, keywordsJSON),
                ("final_url", "coalesce(final_url, '')", "coalesce(final_url, '')"), ("title", "coalesce(title, '')", "coalesce(title, '')"),
                ("offset", "offset_index", "offset_index"),
            ]
        }
    }

    private static func csvSelect(_ source: Source) -> String {
        "SELECT " + columns(source).map { "\($0.1) AS \"\($0.0)\"" }.joined(separator: ", ") + " " + from(source)
    }

    private static func jsonFields(_ source: Source) -> String {
        columns(source).map { "'\($0.0)', \($0.2)" }.joined(separator: ", ")
    }

    /// The column names of `source`, in order.
    public static func columnNames(_ source: Source) -> [String] { columns(source).map(\.0) }
}
