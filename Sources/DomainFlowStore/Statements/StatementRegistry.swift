/// Every prepared statement of DomainFlow, in one place. Each connection prepares all of
/// them when it opens (after migrations), so a reconnect never misses one.
public enum StatementRegistry {
    // MARK: store health
    /// The database's version and the schema version, in one round trip.
    public static let storeIdentity = Statement("store_identity",
        "SELECT current_setting('server_version'), (SELECT coalesce(max(version), 0) FROM schema_migrations)")

    // MARK: users
    public static let insertUser = Statement("users_insert", """
        INSERT INTO users (username, email, password_hash, role, is_active)
        VALUES ($1, $2, $3, $4, $5)
        RETURNING id, created_at
        """)
    public static let userByID = Statement("users_by_id", """
        SELECT id, username, email, role, is_active, created_at, updated_at, last_login
        FROM users WHERE id = $1
        """)
    public static let countUsers = Statement("users_count", "SELECT count(*) FROM users")

    /// Columns of a user row, in `UserRow` order.
    static let userColumns = "id, username, email, role, is_active, created_at, last_login, must_change_password, password_hash"
    public static let userByLogin = Statement("users_by_login",
        "SELECT \(userColumns) FROM users WHERE username = $1 OR lower(email) = lower($1) ORDER BY username = $1 DESC LIMIT 1")
    public static let userRowByID = Statement("users_row_by_id", "SELECT \(userColumns) FROM users WHERE id = $1")
    public static let userByUsername = Statement("users_by_username", "SELECT \(userColumns) FROM users WHERE username = $1")
    public static let createUser = Statement("users_create", """
        INSERT INTO users (username, email, password_hash, role, is_active, must_change_password)
        VALUES ($1, $2, $3, $4, true, $5)
        RETURNING \(userColumns)
        """)
    public static let listUsers = Statement("users_list",
        "SELECT \(userColumns) FROM users ORDER BY username LIMIT $1 OFFSET $2")
    public static let updateUser = Statement("users_update", """
        UPDATE users SET role = coalesce($2, role), email = coalesce($3, email), is_active = coalesce($4, is_active),
                         updated_at = now()
        WHERE id = $1 RETURNING \(userColumns)
        """)
    public static let deleteUser = Statement("users_delete", "DELETE FROM users WHERE id = $1")
    public static let setPassword = Statement("users_set_password", """
        UPDATE users SET password_hash = $2, must_change_password = $3, updated_at = now() WHERE id = $1
        """)
    public static let touchLastLogin = Statement("users_touch_last_login", "UPDATE users SET last_login = now() WHERE id = $1")

    // MARK: sessions
    /// $1 user, $2 token (hashed here, never stored), $3 lifetime in seconds, $4 peer uid, $5 peer pid.
    public static let createSession = Statement("sessions_create", """
        INSERT INTO sessions (user_id, token_hash, expires_at, peer_uid, peer_pid)
        VALUES ($1, encode(sha256(convert_to($2, 'UTF8')), 'hex'), now() + make_interval(secs => $3), $4, $5)
        RETURNING id, expires_at
        """)
    /// A live session of an active user by token, its expiry slid forward by $2 seconds.
    public static let useSession = Statement("sessions_use", """
        UPDATE sessions s SET last_seen_at = now(), expires_at = now() + make_interval(secs => $2)
        FROM users u
        WHERE s.token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex') AND s.user_id = u.id
          AND s.revoked_at IS NULL AND s.expires_at > now() AND u.is_active
        RETURNING s.id, s.expires_at, u.id, u.username, u.role, u.must_change_password
        """)
    public static let revokeSession = Statement("sessions_revoke",
        "UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL")
    public static let revokeUserSessions = Statement("sessions_revoke_user",
        "UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL AND id IS DISTINCT FROM $2")

    // MARK: audit
    /// $1 user, $2 action, $3 resource type, $4 resource id, $5 details (jsonb), $6 user agent.
    public static let insertAudit = Statement("audit_insert", """
        INSERT INTO audit_logs (user_id, action, resource_type, resource_id, details, ip_address, user_agent)
        VALUES ($1, $2, $3, $4, $5, NULL, $6)
        """)
    public static let listAudit = Statement("audit_list", """
        SELECT id, user_id, action, resource_type, resource_id, details, user_agent, created_at FROM audit_logs
        WHERE ($1::uuid IS NULL OR user_id = $1) AND ($2::text IS NULL OR action = $2)
          AND ($3::text IS NULL OR resource_type = $3) AND ($4::uuid IS NULL OR resource_id = $4)
          AND ($5::timestamptz IS NULL OR created_at >= $5) AND ($6::timestamptz IS NULL OR created_at < $6)
        ORDER BY created_at DESC, id DESC LIMIT $7 OFFSET $8
        """)
    public static let purgeAudit = Statement("audit_purge",
        "DELETE FROM audit_logs WHERE created_at < now() - make_interval(days => $1)")

    // MARK: campaigns
    public static let insertCampaign = Statement("campaigns_insert", """
        INSERT INTO campaigns (name, description, campaign_type, status, user_id, parameters)
        VALUES ($1, $2, $3, $4, $5, $6)
        RETURNING id, created_at
        """)

    // MARK: proxies
    public static let insertProxy = Statement("proxies_insert", """
        INSERT INTO proxies (name, address, protocol, host, port)
        VALUES ($1, $2, $3, $4, $5)
        RETURNING id
        """)

    // MARK: DNS results
    public static let insertDNSResult = Statement("dns_results_insert", """
        INSERT INTO dns_validation_results
            (campaign_id, domain_name, record_type, record_value, is_valid, response_time_ms, error_message,
             status, business_status)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        ON CONFLICT (campaign_id, domain_name, record_type) DO NOTHING
        """)
    public static let dnsResultsOfCampaign = Statement("dns_results_of_campaign", """
        SELECT domain_name, record_type, record_value, is_valid, response_time_ms, error_message, status, business_status
        FROM dns_validation_results WHERE campaign_id = $1 ORDER BY domain_name, record_type
        """)
    public static let countDNSResults = Statement("dns_results_count",
        "SELECT count(*) FROM dns_validation_results WHERE campaign_id = $1")
    public static let dnsResultsCopy = CopyTarget(table: "dns_validation_results", columns: [
        "campaign_id", "domain_name", "record_type", "record_value", "is_valid", "response_time_ms", "error_message",
        "status", "business_status",
    ])

    /// All statements, prepared on every connection.
    public static let all: [Statement] = [
        storeIdentity,
        insertUser, userByID, countUsers, userByLogin, userRowByID, userByUsername, createUser, listUsers, updateUser,
        deleteUser, setPassword, touchLastLogin,
        createSession, useSession, revokeSession, revokeUserSessions,
        insertAudit, listAudit, purgeAudit,
        insertCampaign,
        insertProxy,
        insertDNSResult, dnsResultsOfCampaign, countDNSResults,
    ]
}
