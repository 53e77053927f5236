-- 014: one index fewer for each keyword row written.
--
-- The seed's idx_http_results_campaign (campaign_id) is a prefix of http_results_campaign_url_keyword_unique
-- (campaign_id, url, keyword), which serves every lookup by campaign it served (results, the cascade from a
-- deleted campaign): keeping both made PostgreSQL update two indexes on the same leading column per row
-- (2 µs of a 15 µs COPY row). As 011 did for dns_validation_results.
DROP INDEX idx_http_results_campaign;
