/// What each named constraint of the schema means, in words a user of the API understands.
/// Errors carry these instead of PostgreSQL's text.
public enum ConstraintMeanings {
    static let table: [String: String] = [
        "users_username_key": "a user with this username already exists",
        "users_email_key": "a user with this email already exists",
        "users_role_check": "role must be one of admin, user, viewer",
        "users_email_format": "email is not a valid email address",
        "users_username_not_blank": "username must not be empty",
        "users_username_format": "username: letters, digits, '.', '_' and '-', at most 64, starting with a letter or digit",
        "users_email_length": "email: at most 254 characters",
        "sessions_token_hash_key": "session token collision (retry)",
        "campaigns_type_check": "campaign type must be domain_generation, dns_validation or http_keyword_validation",
        "campaigns_status_check": "status must be one of pending, queued, running, paused, completed, failed, cancelled",
        "campaigns_name_not_blank": "campaign name must not be empty",
        "campaigns_user_id_fkey": "the campaign's owner does not exist",
        "campaigns_progress_nonnegative": "progress counts must be between 0 and the total",
        "generated_domains_campaign_name_url_unique": "this name (or URL) is already in the campaign",
        "generated_domains_campaign_offset_unique": "this offset was already generated in the campaign",
        "generated_domains_offset_nonnegative": "offsets are never negative",
        "generated_domains_status_check": "unknown system status",
        "generated_domains_business_status_check": "unknown business status for a generated domain",
        "dns_results_status_check": "unknown system status",
        "dns_results_business_status_check": "unknown business status for a DNS result",
        "dns_results_record_type_check": "record type must be one of A, AAAA, CNAME, MX, NS, TXT",
        "dns_results_response_time_nonnegative": "response time must not be negative",
        "dns_results_campaign_domain_type_unique": "this record type of this name already has a result in the campaign",
        "http_results_status_check": "unknown system status",
        "http_results_business_status_check": "unknown business status for an HTTP result",
        "http_results_occurrences_nonnegative": "occurrences must not be negative",
        "http_results_response_code_range": "HTTP status codes are 100 to 599",
        "http_results_response_time_nonnegative": "response time must not be negative",
        "http_results_campaign_url_keyword_unique": "this keyword of this URL already has a result in the campaign",
        "keyword_rules_weight_positive": "a keyword weight must be positive",
        "personas_owner_name_unique": "you already have a persona with this name",
        "personas_kind_check": "persona kind must be dns or http",
        "personas_name_not_blank": "name must not be empty",
        "keyword_sets_owner_name_unique": "you already have a keyword set with this name",
        "keyword_sets_name_not_blank": "name must not be empty",
        "keyword_rules_kind_check": "rule kind must be string or regex",
        "keyword_rules_context_range": "context_chars must be between 0 and 1000",
        "keyword_rules_keyword_not_empty": "a rule's keyword must not be empty",
        "proxies_protocol_check": "proxy protocol must be http, https, socks5 or socks4",
        "proxies_owner_name_unique": "you already have a proxy with this name",
        "proxies_name_not_blank": "name must not be empty",
        "proxies_port_range": "port must be between 1 and 65535",
        "proxies_latency_nonnegative": "latency must not be negative",
    ]

    /// The meaning of `constraint`, or nil if it has none on record.
    public static func meaning(of constraint: String) -> String? { table[constraint] }
}

extension StoreError {
    /// A message for API clients: the constraint's meaning when there is one, else the message.
    public var userMessage: String {
        if let constraint, let meaning = ConstraintMeanings.meaning(of: constraint) { return meaning }
        switch kind {
        case .unavailable: return "the database is unavailable: \(message)"
        case .internal: return "internal database error"
        default: return message
        }
    }
}
