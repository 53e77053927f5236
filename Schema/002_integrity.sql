-- 002: what the seed promises but does not spell out, enforced by the database, and what a
-- resumable engine needs: status columns on result rows and uniqueness for idempotent batches.

-- Users: known roles, a plausible email, a non-empty username.
ALTER TABLE users
    ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'user', 'viewer')),
    ADD CONSTRAINT users_email_format CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
    ADD CONSTRAINT users_username_not_blank CHECK (length(btrim(username)) > 0);

-- Campaigns: known types and the system status set.
ALTER TABLE campaigns
    ADD CONSTRAINT campaigns_type_check
        CHECK (campaign_type IN ('domain_generation', 'dns_validation', 'http_keyword_validation')),
    ADD CONSTRAINT campaigns_status_check
        CHECK (status IN ('pending', 'queued', 'running', 'paused', 'completed', 'failed', 'cancelled')),
    ADD CONSTRAINT campaigns_name_not_blank CHECK (length(btrim(name)) > 0);

-- Result rows: a system status and a business status each, both required.
ALTER TABLE generated_domains
    ADD COLUMN offset_index BIGINT NOT NULL,
    ADD COLUMN status VARCHAR(50) NOT NULL DEFAULT 'completed',
    ADD COLUMN business_status VARCHAR(50) NOT NULL DEFAULT 'generated',
    ADD CONSTRAINT generated_domains_offset_nonnegative CHECK (offset_index >= 0),
    ADD CONSTRAINT generated_domains_status_check
        CHECK (status IN ('pending', 'queued', 'running', 'paused', 'completed', 'failed', 'cancelled')),
    ADD CONSTRAINT generated_domains_business_status_check
        CHECK (business_status IN ('generated', 'dns_pending', 'dns_live', 'dns_dead', 'lead', 'no_lead')),
    ADD CONSTRAINT generated_domains_campaign_name_unique UNIQUE (campaign_id, domain_name),
    ADD CONSTRAINT generated_domains_campaign_offset_unique UNIQUE (campaign_id, offset_index);

ALTER TABLE dns_validation_results
    ADD COLUMN status VARCHAR(50) NOT NULL,
    ADD COLUMN business_status VARCHAR(50) NOT NULL,
    ADD CONSTRAINT dns_results_status_check
        CHECK (status IN ('pending', 'queued', 'running', 'paused', 'completed', 'failed', 'cancelled')),
    ADD CONSTRAINT dns_results_business_status_check
        CHECK (business_status IN ('resolved', 'no_records', 'nxdomain', 'servfail', 'refused', 'timeout', 'error')),
    ADD CONSTRAINT dns_results_record_type_check
        CHECK (record_type IN ('A', 'AAAA', 'CNAME', 'MX', 'NS', 'TXT')),
    ADD CONSTRAINT dns_results_response_time_nonnegative CHECK (response_time_ms IS NULL OR response_time_ms >= 0),
    ADD CONSTRAINT dns_results_campaign_domain_type_unique UNIQUE (campaign_id, domain_name, record_type);

ALTER TABLE http_keyword_results
    ADD COLUMN status VARCHAR(50) NOT NULL,
    ADD COLUMN business_status VARCHAR(50) NOT NULL,
    ADD CONSTRAINT http_results_status_check
        CHECK (status IN ('pending', 'queued', 'running', 'paused', 'completed', 'failed', 'cancelled')),
    ADD CONSTRAINT http_results_business_status_check
        CHECK (business_status IN ('lead', 'matched', 'no_match', 'unreachable', 'http_error', 'blocked', 'error')),
    ADD CONSTRAINT http_results_occurrences_nonnegative CHECK (occurrences IS NULL OR occurrences >= 0),
    ADD CONSTRAINT http_results_response_code_range CHECK (response_code IS NULL OR response_code BETWEEN 100 AND 599),
    ADD CONSTRAINT http_results_response_time_nonnegative CHECK (response_time_ms IS NULL OR response_time_ms >= 0),
    ADD CONSTRAINT http_results_campaign_url_keyword_unique UNIQUE (campaign_id, url, keyword);

-- Keyword rules: positive weights.
ALTER TABLE keyword_rules
    ADD CONSTRAINT keyword_rules_weight_positive CHECK (weight IS NULL OR weight > 0);

-- Proxies: known protocols, real ports, non-negative latency.
ALTER TABLE proxies
    ADD CONSTRAINT proxies_protocol_check CHECK (protocol IS NULL OR protocol IN ('http', 'https', 'socks5', 'socks4')),
    ADD CONSTRAINT proxies_port_range CHECK (port IS NULL OR port BETWEEN 1 AND 65535),
    ADD CONSTRAINT proxies_latency_nonnegative CHECK (latency_ms IS NULL OR latency_ms >= 0);
