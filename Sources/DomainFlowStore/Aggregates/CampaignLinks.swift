import Foundation

/// A keyword rule as a batch scores with it.
public struct ScoringRuleRecord: Sendable {
    public let keyword: String
    public let isRegex: Bool
    public let caseSensitive: Bool
    public let weight: Double
    public let contextChars: Int
}

/// A campaign that has not ended and uses a resource.
public struct CampaignUsingResource: Sendable {
    public let name: String
    public let status: String
    public let id: UUID
}

/// The statements of `campaign_resources`: the personas, proxies and keyword sets a campaign runs with, linked
/// when it is created and read by its batches. `ownerScope` is the owner a caller may see (nil: any, for admins).
public enum CampaignLinks {
    private enum SQL {
        static let personaForUse = Statement("campaign_resources_persona",
            "SELECT kind, name FROM personas WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2) FOR SHARE")
        static let proxyForUse = Statement("campaign_resources_proxy",
            "SELECT name FROM proxies WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2) FOR SHARE")
        static let keywordSetForUse = Statement("campaign_resources_keyword_set",
            "SELECT name FROM keyword_sets WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2) FOR SHARE")
        static let link = Statement("campaign_resources_link",
            "INSERT INTO campaign_resources (campaign_id, resource_type, resource_id, position) VALUES ($1, $2, $3, $4)")
        static let inUse = Statement("campaign_resources_in_use", """
            SELECT c.name, c.status, c.id FROM campaign_resources r JOIN campaigns c ON c.id = r.campaign_id
            WHERE r.resource_id = $1 AND r.resource_type = ANY($2::text[])
              AND c.status IN ('pending', 'queued', 'running', 'paused')
            ORDER BY c.created_at, c.source_campaign_id IS NOT NULL, c.name LIMIT 1
            """)
        static let dnsPersonas = Statement("engine_dns_personas", """
            SELECT p.config FROM campaign_resources r JOIN personas p ON p.id = r.resource_id
            WHERE r.campaign_id = $1 AND r.resource_type = 'dns_persona' AND p.kind = 'dns' ORDER BY r.position
            """)
        static let httpPersonas = Statement("engine_http_personas", """
            SELECT p.id, p.config FROM campaign_resources r JOIN personas p ON p.id = r.resource_id
            WHERE r.campaign_id = $1 AND r.resource_type = 'http_persona' AND p.kind = 'http' ORDER BY r.position
            """)
        static let keywordRules = Statement("engine_keyword_rules", """
            SELECT k.keyword, k.kind, k.case_sensitive, coalesce(k.weight, 1)::float8, k.context_chars
            FROM campaign_resources r JOIN keyword_rules k ON k.keyword_set_id = r.resource_id
            WHERE r.campaign_id = $1 AND r.resource_type = 'keyword_set' AND coalesce(k.is_active, true)
            ORDER BY r.position, k.position, k.id
            """)
        static let usableProxies = Statement("engine_proxies", """
            SELECT \(ProxyAccess.columns) FROM campaign_resources r JOIN proxies p ON p.id = r.resource_id
            WHERE r.campaign_id = $1 AND r.resource_type = 'proxy' AND coalesce(p.is_enabled, true)
              AND (coalesce(p.is_healthy, false) OR p.last_checked_at IS NULL)
            ORDER BY r.position
            """)
        static let proxyCount = Statement("engine_proxy_count",
            "SELECT count(*) FROM campaign_resources WHERE campaign_id = $1 AND resource_type = 'proxy'")
    }

    static let prepared = [
        SQL.personaForUse, SQL.proxyForUse, SQL.keywordSetForUse, SQL.link, SQL.inUse, SQL.dnsPersonas,
        SQL.httpPersonas, SQL.keywordRules, SQL.usableProxies, SQL.proxyCount,
    ]

    /// The kind (dns, http) and name of a persona `ownerScope` may use, share-locked so that it cannot be deleted
    /// before the campaign linking it commits; nil when there is none.
    public static func personaForUse(id: UUID, scope ownerScope: UUID?) -> Query<(kind: String, name: String)?> {
        .first(SQL.personaForUse, [.uuid(id), ownerScope.map(PGValue.uuid)]) {
            (row: Row) throws(StoreError) -> (kind: String, name: String) in (try row.string(0), try row.string(1))
        }
    }

    /// Whether `ownerScope` may use the proxy (share-locked, as `personaForUse`).
    public static func proxyForUse(id: UUID, scope ownerScope: UUID?) -> Query<Bool> {
        .exists(SQL.proxyForUse, [.uuid(id), ownerScope.map(PGValue.uuid)])
    }

    /// Whether `ownerScope` may use the keyword set (share-locked, as `personaForUse`).
    public static func keywordSetForUse(id: UUID, scope ownerScope: UUID?) -> Query<Bool> {
        .exists(SQL.keywordSetForUse, [.uuid(id), ownerScope.map(PGValue.uuid)])
    }

    /// Links resource `id` of `kind` (dns_persona, http_persona, proxy, keyword_set) at `position` in its list.
    public static func link(campaign: UUID, kind: String, id: UUID, position: Int) -> Query<Int> {
        .affectedRows(SQL.link, [.uuid(campaign), .text(kind), .uuid(id), .int(position)])
    }

    /// The first campaign that has not ended and uses resource `id` as one of `kinds`.
    public static func campaignUsing(_ id: UUID, as kinds: [String]) -> Query<CampaignUsingResource?> {
        .first(SQL.inUse, [.uuid(id), .array(kinds)]) { (row: Row) throws(StoreError) -> CampaignUsingResource in
            CampaignUsingResource(name: try row.string(0), status: try row.string(1), id: try row.uuid(2))
        }
    }

    /// The stored configurations (JSON) of the campaign's DNS personas, in the order given.
    public static func dnsPersonaConfigs(of campaign: UUID) -> Query<[String]> {
        .rows(SQL.dnsPersonas, [.uuid(campaign)]) { (row: Row) throws(StoreError) -> String in try row.json(0) }
    }

    /// The campaign's HTTP personas (id, stored configuration as JSON), in the order given.
    public static func httpPersonaConfigs(of campaign: UUID) -> Query<[(id: UUID, config: String)]> {
        .rows(SQL.httpPersonas, [.uuid(campaign)]) { (row: Row) throws(StoreError) -> (id: UUID, config: String) in
            (try row.uuid(0), try row.json(1))
        }
    }

    /// The active rules of the campaign's keyword sets, in set and rule order.
    public static func scoringRules(of campaign: UUID) -> Query<[ScoringRuleRecord]> {
        .rows(SQL.keywordRules, [.uuid(campaign)]) { (row: Row) throws(StoreError) -> ScoringRuleRecord in
            ScoringRuleRecord(keyword: try row.string(0), isRegex: try row.string(1) == "regex",
                              caseSensitive: try row.bool(2), weight: try row.double(3), contextChars: Int(try row.int(4)))
        }
    }

    /// The campaign's usable proxies (enabled; healthy or never checked), in the order given.
    public static func usableProxies(of campaign: UUID) -> Query<[ProxyAccess]> {
        .rows(SQL.usableProxies, [.uuid(campaign)], ProxyAccess.init)
    }

    /// How many proxies the campaign names, usable or not.
    public static func proxyCount(of campaign: UUID) -> Query<Int> { .count(SQL.proxyCount, [.uuid(campaign)]) }
}
