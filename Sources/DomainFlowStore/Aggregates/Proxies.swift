import Foundation

/// A `proxies` row as users see it: never its password, only whether it has one.
public struct ProxyRecord: Sendable {
    public let id: UUID
    public let name: String
    public let description: String?
    /// host:port.
    public let address: String
    /// http, https, socks5 or socks4.
    public let protocolName: String?
    public let username: String?
    public let hasPassword: Bool
    public let host: String?
    public let port: Int?
    public let isEnabled: Bool?
    public let isHealthy: Bool?
    public let lastStatus: String?
    public let lastCheckedAt: Date?
    public let latencyMs: Int?
    public let city: String?
    public let countryCode: String?
    public let provider: String?
    public let ownerID: UUID?

    static let columns = """
        id, name, description, address, protocol, username, password_hash IS NOT NULL, host, port, is_enabled, is_healthy,
        last_status, last_checked_at, latency_ms, city, country_code, provider, user_id
        """

    init(_ row: Row) throws(StoreError) {
        id = try row.uuid(0)
        name = try row.string(1)
        description = row.optionalString(2)
        address = try row.string(3)
        protocolName = row.optionalString(4)
        username = row.optionalString(5)
        hasPassword = try row.bool(6)
        host = row.optionalString(7)
        port = try row.optionalInt(8).map(Int.init)
        isEnabled = try row.optionalBool(9)
        isHealthy = try row.optionalBool(10)
        lastStatus = row.optionalString(11)
        lastCheckedAt = try row.optionalDate(12)
        latencyMs = try row.optionalInt(13).map(Int.init)
        city = row.optionalString(14)
        countryCode = row.optionalString(15)
        provider = row.optionalString(16)
        ownerID = try row.optionalUUID(17)
    }
}

/// What a proxy connection needs: where the proxy is and how to log in, the password still sealed.
public struct ProxyAccess: Sendable {
    public let id: UUID
    public let name: String
    /// http, https, socks5 or socks4 (or whatever an older server stored).
    public let protocolName: String
    public let host: String
    public let port: Int
    public let username: String
    /// Sealed with the server's key; nil for none.
    public let sealedPassword: String?

    static let columns = "id, name, protocol, host, port, username, password_hash"

    public init(id: UUID, name: String, protocolName: String, host: String, port: Int, username: String = "",
                sealedPassword: String? = nil) {
        self.id = id; self.name = name; self.protocolName = protocolName; self.host = host; self.port = port
        self.username = username; self.sealedPassword = sealedPassword
    }

    init(_ row: Row) throws(StoreError) {
        id = try row.uuid(0)
        name = try row.string(1)
        protocolName = row.optionalString(2) ?? ""
        host = row.optionalString(3) ?? ""
        port = Int(try row.optionalInt(4) ?? 0)
        username = row.optionalString(5) ?? ""
        sealedPassword = row.optionalString(6)
    }
}

/// What a proxy is made of (`sealedPassword` already encrypted: never a plain one).
public struct ProxyValues: Sendable {
    public var name: String
    public var description: String?
    public var protocolName: String
    public var username: String?
    public var isEnabled: Bool
    public var sealedPassword: String?
    public var host: String
    public var port: Int
    public var city: String?
    public var countryCode: String?
    public var provider: String?

    public init(name: String, description: String?, protocolName: String, username: String?, isEnabled: Bool,
                sealedPassword: String?, host: String, port: Int, city: String?, countryCode: String?, provider: String?) {
        self.name = name
        self.description = description
        self.protocolName = protocolName
        self.username = username
        self.isEnabled = isEnabled
        self.sealedPassword = sealedPassword
        self.host = host
        self.port = port
        self.city = city
        self.countryCode = countryCode
        self.provider = provider
    }
}

/// The statements of proxies and their health. `ownerScope` is the owner a caller may see (nil: any, for admins).
public enum Proxies {
    private enum SQL {
        static let create = Statement("proxies_create", """
            INSERT INTO proxies (name, description, address, protocol, username, password_hash, host, port, is_enabled,
                                 city, country_code, provider, user_id)
            VALUES ($1, $2, $7::text || ':' || $8::integer, $3, $4, $6, $7::text, $8::integer, $5, $9, $10, $11, $12)
            RETURNING \(ProxyRecord.columns)
            """)
        static let byID = Statement("proxies_by_id", """
            SELECT \(ProxyRecord.columns) FROM proxies WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2) FOR UPDATE
            """)
        static let update = Statement("proxies_update", """
            UPDATE proxies SET name = $2, description = $3, protocol = $4, username = $5,
                               password_hash = CASE WHEN $7::boolean THEN $6 ELSE password_hash END,
                               host = $8::text, port = $9::integer, address = $8::text || ':' || $9::integer,
                               is_enabled = $10, city = $11, country_code = $12, provider = $13, updated_at = now()
            WHERE id = $1 RETURNING \(ProxyRecord.columns)
            """)
        static let delete = Statement("proxies_delete", "DELETE FROM proxies WHERE id = $1")
        static let list = Statement("proxies_list", """
            SELECT \(ProxyRecord.columns) FROM proxies
            WHERE ($1::uuid IS NULL OR user_id = $1) AND ($2::text IS NULL OR strpos(lower(name), lower($2)) > 0)
              AND (NOT $3 OR is_enabled)
            ORDER BY name, id LIMIT $4 OFFSET $5
            """)
        static let toCheck = Statement("proxies_to_check", """
            SELECT \(ProxyAccess.columns) FROM proxies
            WHERE ($1::uuid IS NULL OR user_id = $1) AND CASE WHEN $2::uuid IS NULL THEN is_enabled ELSE id = $2 END
            ORDER BY name, id
            """)
        static let recordCheck = Statement("proxies_record_check", """
            UPDATE proxies SET is_healthy = $2, last_status = left($3::text, 100), latency_ms = $4, last_checked_at = now()
            WHERE id = $1 RETURNING last_checked_at
            """)
        static let markUnhealthy = Statement("engine_proxy_unhealthy", """
            UPDATE proxies SET is_healthy = false, last_status = left($2::text, 100), last_checked_at = now(),
                               updated_at = now()
            WHERE id = $1 RETURNING user_id
            """)
        static let markHealthy = Statement("engine_proxy_healthy", """
            UPDATE proxies SET is_healthy = true, last_status = left($2::text, 100), latency_ms = $3, last_checked_at = now(),
                               updated_at = now()
            WHERE id = $1 RETURNING user_id
            """)
        static let unhealthyInUse = Statement("engine_unhealthy_proxies", """
            SELECT \(ProxyAccess.columns) FROM proxies p
            WHERE coalesce(p.is_enabled, true) AND NOT coalesce(p.is_healthy, false) AND p.last_checked_at IS NOT NULL
              AND EXISTS (SELECT 1 FROM campaign_resources r JOIN campaigns c ON c.id = r.campaign_id
                          WHERE r.resource_id = p.id AND r.resource_type = 'proxy'
                            AND c.status IN ('pending', 'queued', 'running', 'paused'))
            ORDER BY p.last_checked_at
            """)
        /// Tests and benches only (not prepared on every connection).
        static let insertForTests = Statement("proxies_insert", """
            INSERT INTO proxies (name, address, protocol, host, port) VALUES ($1, $2, $3, $4, $5) RETURNING id
            """)
    }

    static let prepared = [
        SQL.create, SQL.byID, SQL.update, SQL.delete, SQL.list, SQL.toCheck, SQL.recordCheck, SQL.markUnhealthy,
        SQL.markHealthy, SQL.unhealthyInUse,
    ]
    /// Statements only tests and benches run, prepared on first use.
    static let preparedOnFirstUse = [SQL.insertForTests]

    public static func create(_ values: ProxyValues, ownerID: UUID) -> Query<ProxyRecord> {
        .one(SQL.create, [
            .text(values.name), values.description.map(PGValue.text), .text(values.protocolName),
            values.username.map(PGValue.text), .bool(values.isEnabled), values.sealedPassword.map(PGValue.text),
            .text(values.host), .int(values.port), values.city.map(PGValue.text), values.countryCode.map(PGValue.text),
            values.provider.map(PGValue.text), .uuid(ownerID),
        ], ProxyRecord.init)
    }

    /// The proxy, if `ownerScope` may see it, locked until the transaction ends (inside one).
    public static func find(id: UUID, scope ownerScope: UUID?) -> Query<ProxyRecord?> {
        .first(SQL.byID, [.uuid(id), ownerScope.map(PGValue.uuid)], ProxyRecord.init)
    }

    /// Replaces every value; the stored password only when `replacePassword` (nil then removes it).
    public static func update(id: UUID, _ values: ProxyValues, replacePassword: Bool) -> Query<ProxyRecord?> {
        .first(SQL.update, [
            .uuid(id), .text(values.name), values.description.map(PGValue.text), .text(values.protocolName),
            values.username.map(PGValue.text), values.sealedPassword.map(PGValue.text), .bool(replacePassword),
            .text(values.host), .int(values.port), .bool(values.isEnabled), values.city.map(PGValue.text),
            values.countryCode.map(PGValue.text), values.provider.map(PGValue.text),
        ], ProxyRecord.init)
    }

    public static func delete(id: UUID) -> Query<Int> { .affectedRows(SQL.delete, [.uuid(id)]) }

    /// A page in name order.
    public static func list(scope ownerScope: UUID?, nameContains: String?, enabledOnly: Bool, limit: Int,
                            offset: Int) -> Query<[ProxyRecord]> {
        .rows(SQL.list, [ownerScope.map(PGValue.uuid), nameContains.map(PGValue.text), .bool(enabledOnly), .int(limit),
                         .int(offset)], ProxyRecord.init)
    }

    /// The proxies a check covers: one (`id`), or every enabled one `ownerScope` may see.
    public static func toCheck(scope ownerScope: UUID?, id: UUID?) -> Query<[ProxyAccess]> {
        .rows(SQL.toCheck, [ownerScope.map(PGValue.uuid), id.map(PGValue.uuid)], ProxyAccess.init)
    }

    /// Stores a check's outcome (`latencyMs` nil: no response); the database's time of the check.
    public static func recordCheck(id: UUID, healthy: Bool, status: String, latencyMs: Int?) -> Query<Date?> {
        Query(SQL.recordCheck, [.uuid(id), .bool(healthy), .text(status), latencyMs.map(PGValue.int)]) {
            (result: QueryResult) throws(StoreError) -> Date? in try result.first?.optionalDate(0)
        }
    }

    /// A proxy that kept failing during a campaign; its owner (for the audit row).
    public static func markUnhealthy(id: UUID, why: String) -> Query<UUID?> {
        Query(SQL.markUnhealthy, [.uuid(id), .text(why)]) { (result: QueryResult) throws(StoreError) -> UUID? in
            try result.first?.optionalUUID(0)
        }
    }

    /// A re-check through the proxy worked; its owner (for the audit row).
    public static func markHealthy(id: UUID, status: String, latencyMs: Int64) -> Query<UUID?> {
        Query(SQL.markHealthy, [.uuid(id), .text(status), .int(latencyMs)]) { (result: QueryResult) throws(StoreError) -> UUID? in
            try result.first?.optionalUUID(0)
        }
    }

    /// Enabled proxies marked unhealthy that a campaign which has not ended uses, least recently checked first.
    public static func unhealthyInUse() -> Query<[ProxyAccess]> { .rows(SQL.unhealthyInUse, [], ProxyAccess.init) }

    /// Tests and benches: a proxy row with only its address, its id.
    public static func insertForTests(name: String, host: String, port: Int, protocolName: String = "http") -> Query<UUID> {
        .one(SQL.insertForTests, [.text(name), .text("\(host):\(port)"), .text(protocolName), .text(host), .int(port)],
             Row.leadingUUID)
    }
}
