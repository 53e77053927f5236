import Foundation

/// An `audit_logs` row.
public struct AuditRecord: Sendable {
    public let id: UUID
    public let userID: UUID?
    public let action: String
    public let resourceType: String?
    public let resourceID: UUID?
    /// The details, as JSON.
    public let details: String
    public let userAgent: String?
    public let createdAt: Date
}

/// What `AuditLogs.list` selects; nil matches anything.
public struct AuditFilter: Sendable {
    public var userID: UUID?
    public var action: String?
    public var resourceType: String?
    public var resourceID: UUID?
    /// From this time on (inclusive).
    public var since: Date?
    /// Before this time.
    public var until: Date?

    public init(userID: UUID? = nil, action: String? = nil, resourceType: String? = nil, resourceID: UUID? = nil,
                since: Date? = nil, until: Date? = nil) {
        self.userID = userID
        self.action = action
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.since = since
        self.until = until
    }
}

/// The statements of the audit log.
public enum AuditLogs {
    private enum SQL {
        static let insert = Statement("audit_insert", """
            INSERT INTO audit_logs (user_id, action, resource_type, resource_id, details, ip_address, user_agent)
            VALUES ($1, $2, $3, $4, $5, NULL, $6)
            """)
        static let list = Statement("audit_list", """
            SELECT id, user_id, action, resource_type, resource_id, details, user_agent, created_at FROM audit_logs
            WHERE ($1::uuid IS NULL OR user_id = $1) AND ($2::text IS NULL OR action = $2)
              AND ($3::text IS NULL OR resource_type = $3) AND ($4::uuid IS NULL OR resource_id = $4)
              AND ($5::timestamptz IS NULL OR created_at >= $5) AND ($6::timestamptz IS NULL OR created_at < $6)
            ORDER BY created_at DESC, id DESC LIMIT $7 OFFSET $8
            """)
        static let purge = Statement("audit_purge",
            "DELETE FROM audit_logs WHERE created_at < now() - make_interval(days => $1)")
    }

    static let prepared = [SQL.insert, SQL.list, SQL.purge]

    /// One row; `details` is a JSON object (never a password or token).
    public static func insert(userID: UUID?, action: String, resourceType: String?, resourceID: UUID?,
                              details: String, userAgent: String?) -> Query<Int> {
        .affectedRows(SQL.insert, [userID.map(PGValue.uuid), .text(action), resourceType.map(PGValue.text),
                               resourceID.map(PGValue.uuid), .json(details), userAgent.map(PGValue.text)])
    }

    /// A page, newest first.
    public static func list(_ filter: AuditFilter, limit: Int, offset: Int) -> Query<[AuditRecord]> {
        .rows(SQL.list, [filter.userID.map(PGValue.uuid), filter.action.map(PGValue.text), filter.resourceType.map(PGValue.text),
                     filter.resourceID.map(PGValue.uuid), filter.since.map(PGValue.timestamp),
                     filter.until.map(PGValue.timestamp), .int(limit), .int(offset)]) {
            (row: Row) throws(StoreError) -> AuditRecord in
            AuditRecord(id: try row.uuid(0), userID: try row.optionalUUID(1), action: try row.string(2),
                        resourceType: row.optionalString(3), resourceID: try row.optionalUUID(4),
                        details: row.optionalString(5) ?? "{}", userAgent: row.optionalString(6),
                        createdAt: try row.date(7))
        }
    }

    /// Rows older than `days` days deleted.
    public static func purge(olderThanDays days: Int) -> Query<Int> { .affectedRows(SQL.purge, [.int(days)]) }
}
