-- 010: the personas, proxies and keyword sets a campaign runs with (its pipeline's DNS and HTTP steps).
-- Follow-on campaigns get copies of their source's rows. A resource used by a campaign that has not
-- ended (pending, queued, running, paused) cannot be deleted: the server checks this while it holds the
-- resource's row lock, and campaign creation takes a share lock on each resource it links.
CREATE TABLE campaign_resources (
    campaign_id UUID NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    resource_type TEXT NOT NULL
        CONSTRAINT campaign_resources_type_check CHECK (resource_type IN ('dns_persona', 'http_persona', 'proxy', 'keyword_set')),
    resource_id UUID NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, resource_type, resource_id)
);
CREATE INDEX idx_campaign_resources_resource ON campaign_resources (resource_id);
