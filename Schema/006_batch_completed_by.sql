-- 006: which engine (host:pid:id) completed each batch, for operators and for the tests
-- that check several servers share a campaign.
ALTER TABLE campaign_batches ADD COLUMN completed_by TEXT;
