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
        insertUser, userByID, countUsers,
        insertCampaign,
        insertProxy,
        insertDNSResult, dnsResultsOfCampaign, countDNSResults,
    ]
}
