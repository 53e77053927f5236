-- An uploaded HTTP list may name several URLs of one host (several pages of a site): its entries are
-- unique by (name, URL), no longer by name alone. Generated and uploaded names carry no URL, so for them
-- nothing changes; the index keeps (campaign_id, domain_name) first for the roll-ups' lookups.
ALTER TABLE generated_domains DROP CONSTRAINT generated_domains_campaign_name_unique;
CREATE UNIQUE INDEX generated_domains_campaign_name_url_unique
    ON generated_domains (campaign_id, domain_name, (coalesce(metadata->>'url', '')));
