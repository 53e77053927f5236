-- 005: campaign chaining. `pipeline` lists the campaign types still to come; when a campaign
-- completes, the engine creates the next one (pending, reading this one's results through
-- source_campaign_id) in the same transaction.

ALTER TABLE campaigns
    ADD COLUMN pipeline TEXT[] NOT NULL DEFAULT '{}',
    ADD CONSTRAINT campaigns_pipeline_types
        CHECK (pipeline <@ ARRAY['dns_validation', 'http_keyword_validation']::text[]);
