-- 011: DNS validation campaigns, and the engine's phase model.
--
-- Result rows speak the seed's business vocabulary (valid_dns, invalid_dns, plus wildcard_dns and
-- dns_error); the precise outcome (answer, nodata, nxdomain, servfail, refused, timeout, error) has a
-- column of its own, with the resolver that gave the final answer and the attempts it took.
ALTER TABLE dns_validation_results DROP CONSTRAINT dns_results_business_status_check;
UPDATE dns_validation_results SET business_status = CASE business_status
    WHEN 'resolved' THEN 'valid_dns' WHEN 'no_records' THEN 'invalid_dns' WHEN 'nxdomain' THEN 'invalid_dns'
    ELSE 'dns_error' END;
ALTER TABLE dns_validation_results
    ADD COLUMN outcome VARCHAR(20) NOT NULL DEFAULT 'answer',
    ADD COLUMN offset_index BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN resolver VARCHAR(64),
    ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1,
    ADD COLUMN cname_chain TEXT,
    ADD COLUMN is_available BOOLEAN NOT NULL DEFAULT false,
    ADD CONSTRAINT dns_results_business_status_check
        CHECK (business_status IN ('valid_dns', 'invalid_dns', 'wildcard_dns', 'dns_error')),
    ADD CONSTRAINT dns_results_outcome_check
        CHECK (outcome IN ('answer', 'nodata', 'nxdomain', 'servfail', 'refused', 'timeout', 'error')),
    ADD CONSTRAINT dns_results_attempts_nonnegative CHECK (attempts >= 0),
    ADD CONSTRAINT dns_results_available_is_nxdomain CHECK (NOT is_available OR outcome = 'nxdomain');
-- Results stream in input order: (campaign, offset, type) is the export cursor. The plain campaign_id index
-- is dropped: both this index and the unique (campaign_id, domain_name, record_type) lead with campaign_id,
-- and every row written pays for each index (COPY of a DNS batch was a third index upkeep).
CREATE INDEX idx_dns_results_campaign_offset ON dns_validation_results (campaign_id, offset_index, record_type);
DROP INDEX idx_dns_results_campaign;

-- The roll-up per name on the campaign's names: live, wildcard or dead, or a DNS error. Pages keep room for
-- it (fillfactor 70), so that the roll-up's UPDATE is a HOT update (no index touched: none of its columns is
-- indexed) instead of a new tuple on another page with an entry in each of the table's indexes.
ALTER TABLE generated_domains SET (fillfactor = 70);
ALTER TABLE generated_domains DROP CONSTRAINT generated_domains_business_status_check;
ALTER TABLE generated_domains ADD CONSTRAINT generated_domains_business_status_check
    CHECK (business_status IN ('generated', 'uploaded', 'dns_pending', 'dns_live', 'dns_dead', 'dns_wildcard', 'dns_error',
                               'lead', 'no_lead'));

-- Progress per outcome (outcome -> rows) and the DNS queries sent, added by each batch's transaction.
ALTER TABLE campaigns
    ADD COLUMN outcome_counts JSONB NOT NULL DEFAULT '{}',
    ADD COLUMN queries_sent BIGINT NOT NULL DEFAULT 0,
    -- An uploaded input list: open while chunks arrive, sealed when its batches exist.
    ADD COLUMN input_state VARCHAR(10),
    ADD CONSTRAINT campaigns_input_state_check CHECK (input_state IS NULL OR input_state IN ('open', 'sealed'));

-- What a campaign learnt about the DNS while it ran: wildcard probes per parent zone (subject = the parent;
-- detail = the wildcard's values per record type as JSON, '{}' for none) and lying resolvers (subject = the
-- resolver; detail = the zone where it was caught). Written once, kept across batches and restarts.
CREATE TABLE campaign_findings (
    campaign_id UUID NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    kind VARCHAR(20) NOT NULL CONSTRAINT campaign_findings_kind_check CHECK (kind IN ('wildcard_probe', 'lying_resolver')),
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (campaign_id, kind, subject)
);
