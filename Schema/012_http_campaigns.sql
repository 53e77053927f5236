-- 012: HTTP keyword campaigns.
--
-- Keyword rows speak the seed's business vocabulary: lead_valid, http_valid_no_keywords, http_invalid, plus
-- parked and proxy_error; one row per (campaign, url, keyword) for each keyword found on the page.
ALTER TABLE http_keyword_results DROP CONSTRAINT http_results_business_status_check;
UPDATE http_keyword_results SET business_status = CASE business_status
    WHEN 'lead' THEN 'lead_valid' WHEN 'matched' THEN 'http_valid_no_keywords' WHEN 'no_match' THEN 'http_valid_no_keywords'
    WHEN 'blocked' THEN 'proxy_error' ELSE 'http_invalid' END;
ALTER TABLE http_keyword_results
    ADD COLUMN offset_index BIGINT NOT NULL DEFAULT 0,
    ADD CONSTRAINT http_results_business_status_check
        CHECK (business_status IN ('lead_valid', 'http_valid_no_keywords', 'http_invalid', 'parked', 'proxy_error'));

-- One fetch summary per name of an HTTP campaign: what came back, how it scored, why it failed.
CREATE TABLE http_fetch_summaries (
    campaign_id UUID NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    offset_index BIGINT NOT NULL,
    domain_name VARCHAR(255) NOT NULL,
    url VARCHAR(2048) NOT NULL,
    final_url VARCHAR(2048),
    status_code INTEGER CONSTRAINT http_summaries_status_range CHECK (status_code IS NULL OR status_code BETWEEN 100 AND 599),
    title TEXT,
    body_sha256 CHAR(64),
    body_bytes INTEGER NOT NULL DEFAULT 0 CONSTRAINT http_summaries_bytes_nonnegative CHECK (body_bytes >= 0),
    truncated BOOLEAN NOT NULL DEFAULT false,
    redirect_chain TEXT,
    server_header TEXT,
    http_version VARCHAR(10),
    tls BOOLEAN NOT NULL DEFAULT false,
    parked_score DOUBLE PRECISION NOT NULL DEFAULT 0,
    parked_signals TEXT,
    lead_score DOUBLE PRECISION NOT NULL DEFAULT 0,
    is_lead BOOLEAN NOT NULL DEFAULT false,
    keywords JSONB NOT NULL DEFAULT '[]',
    outcome VARCHAR(30) NOT NULL,
    error_kind VARCHAR(30),
    error_message TEXT,
    proxy_id UUID,
    persona_id UUID,
    address VARCHAR(64),
    response_time_ms INTEGER CONSTRAINT http_summaries_time_nonnegative CHECK (response_time_ms IS NULL OR response_time_ms >= 0),
    status VARCHAR(50) NOT NULL DEFAULT 'completed',
    business_status VARCHAR(50) NOT NULL,
    checked_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (campaign_id, offset_index),
    CONSTRAINT http_summaries_business_status_check
        CHECK (business_status IN ('lead_valid', 'http_valid_no_keywords', 'http_invalid', 'parked', 'proxy_error')),
    CONSTRAINT http_summaries_outcome_check CHECK (outcome IN (
        'lead', 'no_keywords', 'below_min_score', 'parked', 'http_status', 'no_address', 'connect', 'timeout', 'tls', 'proxy',
        'proxy_authentication', 'protocol', 'too_many_redirects', 'invalid_url')),
    CONSTRAINT http_summaries_lead_not_parked CHECK (NOT is_lead OR business_status = 'lead_valid')
);
CREATE INDEX idx_http_summaries_leads ON http_fetch_summaries (campaign_id, lead_score DESC) WHERE is_lead;

-- The campaign's names get the lead roll-up (lead / no_lead) on generated_domains.
