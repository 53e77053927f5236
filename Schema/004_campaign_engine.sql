-- 004: what the campaign engine needs: progress on campaigns, leased work batches,
-- and where each generation pattern stopped.

ALTER TABLE campaigns
    ADD COLUMN total_items BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN processed_items BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN skipped_items BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN source_campaign_id UUID REFERENCES campaigns(id) ON DELETE SET NULL,
    ADD COLUMN error_message TEXT,
    ADD CONSTRAINT campaigns_progress_nonnegative
        CHECK (total_items >= 0 AND processed_items >= 0 AND skipped_items >= 0 AND processed_items <= total_items);
CREATE INDEX idx_campaigns_source ON campaigns(source_campaign_id);

-- A campaign's work, cut into batches that workers lease (FOR UPDATE SKIP LOCKED). An expired
-- lease is taken again, so a crashed worker loses nothing; a batch is marked done in the same
-- transaction as its rows, so none is written twice.
CREATE TABLE campaign_batches (
    campaign_id UUID NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    batch_index INTEGER NOT NULL,
    start_offset BIGINT NOT NULL,
    item_count INTEGER NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'pending',
    lease_holder TEXT,
    lease_expires_at TIMESTAMP WITH TIME ZONE,
    completed_at TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (campaign_id, batch_index),
    CONSTRAINT campaign_batches_status_check CHECK (status IN ('pending', 'done')),
    CONSTRAINT campaign_batches_count_positive CHECK (item_count > 0 AND start_offset >= 0)
);
CREATE INDEX idx_campaign_batches_pending ON campaign_batches(campaign_id, batch_index) WHERE status = 'pending';

-- The next unused offset of each normalised generation pattern.
CREATE TABLE generation_pattern_offsets (
    pattern_key TEXT PRIMARY KEY,
    next_offset BIGINT NOT NULL CHECK (next_offset >= 0),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
);
