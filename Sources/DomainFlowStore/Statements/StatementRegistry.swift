/// Every prepared statement of DomainFlow, in one place. Each connection prepares all of
/// them when it opens (after migrations), so a reconnect never misses one.
public enum StatementRegistry {
    // MARK: store health
    /// The database's version and the schema version, in one round trip.
    public static let storeIdentity = Statement("store_identity",
        "SELECT current_setting('server_version'), (SELECT coalesce(max(version), 0) FROM schema_migrations)")

    // MARK: users
    public static let insertUser = Statement("users_insert", """
        INSERT INTO users (username, email, password_hash, role, is_active)
        VALUES ($1, $2, $3, $4, $5)
        RETURNING id, created_at
        """)
    public static let countUsers = Statement("users_count", "SELECT count(*) FROM users")

    /// Columns of a user row, in `UserRow` order.
    static let userColumns = "id, username, email, role, is_active, created_at, last_login, must_change_password, password_hash"
    public static let userByLogin = Statement("users_by_login",
        "SELECT \(userColumns) FROM users WHERE username = $1 OR lower(email) = lower($1) ORDER BY username = $1 DESC LIMIT 1")
    public static let userRowByID = Statement("users_row_by_id", "SELECT \(userColumns) FROM users WHERE id = $1")
    public static let userByUsername = Statement("users_by_username", "SELECT \(userColumns) FROM users WHERE username = $1")
    public static let createUser = Statement("users_create", """
        INSERT INTO users (username, email, password_hash, role, is_active, must_change_password)
        VALUES ($1, $2, $3, $4, true, $5)
        RETURNING \(userColumns)
        """)
    public static let listUsers = Statement("users_list",
        "SELECT \(userColumns) FROM users ORDER BY username LIMIT $1 OFFSET $2")
    public static let updateUser = Statement("users_update", """
        UPDATE users SET role = coalesce($2, role), email = coalesce($3, email), is_active = coalesce($4, is_active),
                         updated_at = now()
        WHERE id = $1 RETURNING \(userColumns)
        """)
    public static let deleteUser = Statement("users_delete", "DELETE FROM users WHERE id = $1")
    public static let setPassword = Statement("users_set_password", """
        UPDATE users SET password_hash = $2, must_change_password = $3, updated_at = now() WHERE id = $1
        """)
    public static let touchLastLogin = Statement("users_touch_last_login", "UPDATE users SET last_login = now() WHERE id = $1")

    // MARK: sessions
    /// $1 user, $2 token (hashed here, never stored), $3 lifetime in seconds, $4 peer uid, $5 peer pid.
    public static let createSession = Statement("sessions_create", """
        INSERT INTO sessions (user_id, token_hash, expires_at, peer_uid, peer_pid)
        VALUES ($1, encode(sha256(convert_to($2, 'UTF8')), 'hex'), now() + make_interval(secs => $3), $4, $5)
        RETURNING id, expires_at
        """)
    /// A live session of an active user by token, its expiry slid forward by $2 seconds.
    public static let useSession = Statement("sessions_use", """
        UPDATE sessions s SET last_seen_at = now(), expires_at = now() + make_interval(secs => $2)
        FROM users u
        WHERE s.token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex') AND s.user_id = u.id
          AND s.revoked_at IS NULL AND s.expires_at > now() AND u.is_active
        RETURNING s.id, s.expires_at, u.id, u.username, u.role, u.must_change_password
        """)
    public static let revokeSession = Statement("sessions_revoke",
        "UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL")
    public static let revokeUserSessions = Statement("sessions_revoke_user",
        "UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL AND id IS DISTINCT FROM $2")

    // MARK: audit
    /// $1 user, $2 action, $3 resource type, $4 resource id, $5 details (jsonb), $6 user agent.
    public static let insertAudit = Statement("audit_insert", """
        INSERT INTO audit_logs (user_id, action, resource_type, resource_id, details, ip_address, user_agent)
        VALUES ($1, $2, $3, $4, $5, NULL, $6)
        """)
    public static let listAudit = Statement("audit_list", """
        SELECT id, user_id, action, resource_type, resource_id, details, user_agent, created_at FROM audit_logs
        WHERE ($1::uuid IS NULL OR user_id = $1) AND ($2::text IS NULL OR action = $2)
          AND ($3::text IS NULL OR resource_type = $3) AND ($4::uuid IS NULL OR resource_id = $4)
          AND ($5::timestamptz IS NULL OR created_at >= $5) AND ($6::timestamptz IS NULL OR created_at < $6)
        ORDER BY created_at DESC, id DESC LIMIT $7 OFFSET $8
        """)
    public static let purgeAudit = Statement("audit_purge",
        "DELETE FROM audit_logs WHERE created_at < now() - make_interval(days => $1)")

    // MARK: campaigns
    public static let insertCampaign = Statement("campaigns_insert", """
        INSERT INTO campaigns (name, description, campaign_type, status, user_id, parameters)
        VALUES ($1, $2, $3, $4, $5, $6)
        RETURNING id, created_at
        """)

    /// Columns of a campaign row, in `CampaignRow` order.
    public static let campaignColumns = """
        id, name, description, campaign_type, status, user_id, parameters, total_items, processed_items, skipped_items,
        created_at, updated_at, started_at, completed_at, error_message, pipeline, source_campaign_id,
        (SELECT string_agg(r.resource_type || ':' || r.resource_id, ',' ORDER BY r.resource_type, r.position)
           FROM campaign_resources r WHERE r.campaign_id = campaigns.id),
        outcome_counts, queries_sent, input_state,
        (SELECT string_agg(f.kind || '=' || f.subject, E'\n' ORDER BY f.kind, f.subject) FROM campaign_findings f
          WHERE f.campaign_id = campaigns.id AND (f.kind = 'lying_resolver' OR f.detail <> '{}'))
        """
    /// $1 name … $7 pipeline (comma-separated), $8 source campaign, $9 input state (NULL, or 'open' for an upload).
    public static let createCampaign = Statement("campaigns_create", """
        INSERT INTO campaigns (name, description, campaign_type, status, user_id, parameters, total_items, pipeline,
                               source_campaign_id, input_state)
        VALUES ($1, $2, $3, 'pending', $4, $5, $6, string_to_array($7, ','), $8, $9) RETURNING \(campaignColumns)
        """)
    /// The follow-on campaigns of $1, nearest first (the pipeline's chain).
    public static let followOnsOf = Statement("campaigns_follow_ons", """
        WITH RECURSIVE chain(id, depth) AS (
            SELECT id, 1 FROM campaigns WHERE source_campaign_id = $1
            UNION ALL SELECT c.id, chain.depth + 1 FROM campaigns c JOIN chain ON c.source_campaign_id = chain.id WHERE chain.depth < 8)
        SELECT c.id, c.status, c.campaign_type FROM chain JOIN campaigns c ON c.id = chain.id ORDER BY chain.depth
        """)
    /// $1 campaign, $2 the upload's state (merged into the parameters; other keys stay), $3 total items, $4 input state.
    public static let updateCampaignInput = Statement("campaigns_update_input",
        "UPDATE campaigns SET parameters = parameters || $2::jsonb, total_items = $3, input_state = $4, updated_at = now() WHERE id = $1")
    public static let setTotalItems = Statement("campaigns_set_total",
        "UPDATE campaigns SET total_items = $2, updated_at = now() WHERE id = $1")
    /// Inserts uploaded names ($2 names, $3 offsets, $4 URLs or '' as arrays; a URL goes into metadata.url), skipping
    /// names already there; returns how many went in.
    public static let insertUploadedNames = Statement("uploaded_names_insert", """
        WITH inserted AS (
            INSERT INTO generated_domains (campaign_id, domain_name, offset_index, status, business_status, metadata)
            SELECT $1, n, o, 'completed', 'uploaded', CASE WHEN url = '' THEN NULL ELSE jsonb_build_object('url', url) END
            FROM unnest($2::text[], $3::bigint[], $4::text[]) AS u(n, o, url)
            ON CONFLICT DO NOTHING RETURNING 1)
        SELECT count(*) FROM inserted
        """)
    /// $1 campaign, $2 first offset, $3 end offset: an uploaded list's names with their URL ('' for none).
    public static let uploadedNamesOfBatch = Statement("engine_uploaded_names", """
        SELECT domain_name, offset_index, coalesce(metadata->>'url', '') FROM generated_domains
        WHERE campaign_id = $1 AND offset_index >= $2 AND offset_index < $3 ORDER BY offset_index
        """)
    /// $1 id, $2 owner (NULL: any owner, for admins).
    public static let campaignByID = Statement("campaigns_by_id",
        "SELECT \(campaignColumns) FROM campaigns WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2)")
    public static let campaignByIDForUpdate = Statement("campaigns_by_id_for_update",
        "SELECT \(campaignColumns) FROM campaigns WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2) FOR UPDATE")
    public static let setCampaignStatus = Statement("campaigns_set_status", """
        UPDATE campaigns SET status = $2::text, updated_at = now(),
            started_at = CASE WHEN $2::text IN ('queued', 'running') THEN coalesce(started_at, now()) ELSE started_at END,
            completed_at = CASE WHEN $2::text IN ('completed', 'failed', 'cancelled') THEN now() ELSE completed_at END,
            error_message = coalesce($3::text, error_message)
        WHERE id = $1 RETURNING \(campaignColumns)
        """)
    public static let listCampaigns = Statement("campaigns_list", """
        SELECT \(campaignColumns) FROM campaigns
        WHERE ($1::uuid IS NULL OR user_id = $1) AND ($2::text IS NULL OR campaign_type = $2)
          AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR strpos(lower(name), lower($4)) > 0)
        ORDER BY created_at DESC, id DESC LIMIT $5 OFFSET $6
        """)
    public static let deleteCampaign = Statement("campaigns_delete", "DELETE FROM campaigns WHERE id = $1")
    public static let patternNextOffset = Statement("pattern_next_offset",
        "SELECT next_offset FROM generation_pattern_offsets WHERE pattern_key = $1 FOR UPDATE")
    public static let reservePatternRange = Statement("pattern_reserve", """
        INSERT INTO generation_pattern_offsets (pattern_key, next_offset) VALUES ($1, $2)
        ON CONFLICT (pattern_key) DO UPDATE
        SET next_offset = greatest(generation_pattern_offsets.next_offset, EXCLUDED.next_offset), updated_at = now()
        """)

    // MARK: campaign engine
    /// $1 campaign types the engine runs: queued campaigns to begin, locked, skipping those another engine holds.
    public static let queuedCampaigns = Statement("engine_queued_campaigns",
        "SELECT id FROM campaigns WHERE status = 'queued' AND campaign_type = ANY($1::text[]) FOR UPDATE SKIP LOCKED")
    /// $1 campaign: its status, locked for a transition.
    public static let campaignStatusForUpdate = Statement("engine_campaign_status",
        "SELECT status FROM campaigns WHERE id = $1 FOR UPDATE")
    /// $1 holder, $2 lease seconds, $3 campaign types the engine runs: the next pending batch of a running campaign
    /// whose lease is free or expired and whose source batch (same index) is done; lowest batch index first, so a
    /// follow-on's batch i runs right after its source's batch i (phases overlap).
    public static let leaseBatch = Statement("engine_lease_batch", """
        WITH next AS (
            SELECT b.campaign_id, b.batch_index FROM campaign_batches b JOIN campaigns c ON c.id = b.campaign_id
            LEFT JOIN campaigns src ON src.id = c.source_campaign_id
            WHERE c.status = 'running' AND b.status = 'pending' AND c.campaign_type = ANY($3::text[])
              AND (b.lease_expires_at IS NULL OR b.lease_expires_at < now())
              AND (src.id IS NULL OR src.status IN ('completed', 'cancelled', 'failed')
                   OR EXISTS (SELECT 1 FROM campaign_batches s
                              WHERE s.campaign_id = src.id AND s.batch_index = b.batch_index AND s.status = 'done'))
            ORDER BY b.batch_index, c.created_at LIMIT 1 FOR UPDATE OF b SKIP LOCKED)
        UPDATE campaign_batches b SET lease_holder = $1, lease_expires_at = now() + make_interval(secs => $2)
        FROM next, campaigns c WHERE b.campaign_id = next.campaign_id AND b.batch_index = next.batch_index AND c.id = b.campaign_id
        RETURNING b.campaign_id, b.batch_index, b.start_offset, b.item_count, c.parameters, c.campaign_type, c.source_campaign_id
        """)
    public static let confirmLease = Statement("engine_confirm_lease", """
        SELECT 1 FROM campaign_batches
        WHERE campaign_id = $1 AND batch_index = $2 AND status = 'pending' AND lease_holder = $3 FOR UPDATE
        """)
    public static let finishBatch = Statement("engine_finish_batch", """
        UPDATE campaign_batches SET status = 'done', completed_at = now(), completed_by = $3, lease_holder = NULL,
                                    lease_expires_at = NULL
        WHERE campaign_id = $1 AND batch_index = $2
        """)
    /// $1 campaign, $2 processed, $3 skipped, $4 rows per outcome (a JSON object of counts), $5 DNS queries sent.
    public static let addProgress = Statement("engine_add_progress", """
        UPDATE campaigns SET processed_items = processed_items + $2, skipped_items = skipped_items + $3,
            outcome_counts = (SELECT coalesce(jsonb_object_agg(key, total), '{}'::jsonb) FROM (
                SELECT key, sum(value::bigint) AS total FROM (
                    SELECT key, value FROM jsonb_each_text(outcome_counts)
                    UNION ALL SELECT key, value FROM jsonb_each_text($4::jsonb)) AS merged GROUP BY key) AS summed),
            queries_sent = queries_sent + $5, updated_at = now()
        WHERE id = $1
        """)
    /// Whether campaign $1 has no pending batch left.
    public static let allBatchesDone = Statement("engine_all_batches_done",
        "SELECT NOT EXISTS (SELECT 1 FROM campaign_batches WHERE campaign_id = $1 AND status = 'pending')")
    /// $1 campaign, $2 first offset, $3 batch size, $4 item count.
    public static let createBatches = Statement("batches_create", """
        INSERT INTO campaign_batches (campaign_id, batch_index, start_offset, item_count)
        SELECT $1, i, $2::bigint + i * $3::bigint, least($3::bigint, $4::bigint - i * $3::bigint)
        FROM generate_series(0::bigint, ($4::bigint + $3::bigint - 1) / $3::bigint - 1) AS i
        """)
    /// Batches of follow-on $1 mirroring its source $2's, index for index, so batch i waits only for source batch i.
    public static let mirrorBatches = Statement("batches_mirror", """
        INSERT INTO campaign_batches (campaign_id, batch_index, start_offset, item_count)
        SELECT $1, batch_index, start_offset, item_count FROM campaign_batches WHERE campaign_id = $2
        """)
    /// $1 campaign: the configurations of its DNS personas, in the order given.
    public static let dnsPersonasOfCampaign = Statement("engine_dns_personas", """
        SELECT p.config FROM campaign_resources r JOIN personas p ON p.id = r.resource_id
        WHERE r.campaign_id = $1 AND r.resource_type = 'dns_persona' AND p.kind = 'dns' ORDER BY r.position
        """)
    /// $1 campaign whose names to read, $2 first offset, $3 end offset (exclusive).
    public static let namesOfBatch = Statement("engine_names_of_batch", """
        SELECT domain_name, offset_index FROM generated_domains
        WHERE campaign_id = $1 AND offset_index >= $2 AND offset_index < $3 ORDER BY offset_index
        """)
    public static let findingsOfCampaign = Statement("engine_findings",
        "SELECT kind, subject, detail FROM campaign_findings WHERE campaign_id = $1")
    /// $1 campaign, $2 kind, $3 subject, $4 detail; the first finding stays.
    public static let insertFinding = Statement("engine_insert_finding", """
        INSERT INTO campaign_findings (campaign_id, kind, subject, detail) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING
        """)
    /// The per-name roll-up of a DNS batch onto the names it read: $1 campaign of the names, $2 offsets,
    /// $3 business statuses, $4 availability (arrays).
    public static let rollUpNames = Statement("engine_roll_up_names", """
        UPDATE generated_domains g SET business_status = u.status, is_available = u.available, checked_at = now()
        FROM unnest($2::bigint[], $3::text[], $4::boolean[]) AS u(offset_index, status, available)
        WHERE g.campaign_id = $1 AND g.offset_index = u.offset_index
        """)
    /// $1 campaign, $2 batch, $3 holder: gives a leased batch back at once (the campaign was paused).
    public static let releaseLease = Statement("engine_release_lease", """
        UPDATE campaign_batches SET lease_holder = NULL, lease_expires_at = NULL
        WHERE campaign_id = $1 AND batch_index = $2 AND lease_holder = $3 AND status = 'pending'
        """)
    /// $1 campaign: the campaign whose names it (or its source) reads: its source's names root, or its own.
    public static let namesRootOf = Statement("engine_names_root",
        "SELECT coalesce(source_campaign_id, id) FROM campaigns WHERE id = $1")

    // MARK: HTTP campaigns
    /// $1 campaign: its HTTP personas (id, stored configuration), in the order given.
    public static let httpPersonasOfCampaign = Statement("engine_http_personas", """
        SELECT p.id, p.config FROM campaign_resources r JOIN personas p ON p.id = r.resource_id
        WHERE r.campaign_id = $1 AND r.resource_type = 'http_persona' AND p.kind = 'http' ORDER BY r.position
        """)
    /// $1 campaign: the active rules of its keyword sets.
    public static let keywordRulesOfCampaign = Statement("engine_keyword_rules", """
        SELECT k.keyword, k.kind, k.case_sensitive, coalesce(k.weight, 1)::float8, k.context_chars
        FROM campaign_resources r JOIN keyword_rules k ON k.keyword_set_id = r.resource_id
        WHERE r.campaign_id = $1 AND r.resource_type = 'keyword_set' AND coalesce(k.is_active, true)
        ORDER BY r.position, k.position, k.id
        """)
    /// $1 campaign: its usable proxies (enabled; healthy or never checked). Column 6 is the sealed password.
    public static let proxiesOfCampaign = Statement("engine_proxies", """
        SELECT p.id, p.name, p.protocol, p.host, p.port, p.username, p.password_hash
        FROM campaign_resources r JOIN proxies p ON p.id = r.resource_id
        WHERE r.campaign_id = $1 AND r.resource_type = 'proxy' AND coalesce(p.is_enabled, true)
          AND (coalesce(p.is_healthy, false) OR p.last_checked_at IS NULL)
        ORDER BY r.position
        """)
    /// $1 campaign: how many proxies it names (usable or not).
    public static let proxyCountOfCampaign = Statement("engine_proxy_count",
        "SELECT count(*) FROM campaign_resources WHERE campaign_id = $1 AND resource_type = 'proxy'")
    /// $1 campaign (DNS), $2 first offset, $3 end offset: its live names with their first stored address (A before AAAA).
    public static let liveNamesOfBatch = Statement("engine_live_names", """
        SELECT DISTINCT ON (offset_index) domain_name, offset_index, split_part(record_value, E'\n', 1)
        FROM dns_validation_results
        WHERE campaign_id = $1 AND offset_index >= $2 AND offset_index < $3 AND business_status = 'valid_dns'
          AND record_type IN ('A', 'AAAA')
        ORDER BY offset_index, record_type
        """)
    /// $1 proxy, $2 why: a proxy that kept failing during a campaign.
    public static let markProxyUnhealthy = Statement("engine_proxy_unhealthy", """
        UPDATE proxies SET is_healthy = false, last_status = left($2::text, 100), last_checked_at = now(), updated_at = now()
        WHERE id = $1 RETURNING user_id
        """)
    /// Enabled proxies marked unhealthy that a campaign which has not ended uses (columns as `proxiesOfCampaign`).
    public static let unhealthyProxiesInUse = Statement("engine_unhealthy_proxies", """
        SELECT p.id, p.name, p.protocol, p.host, p.port, p.username, p.password_hash FROM proxies p
        WHERE coalesce(p.is_enabled, true) AND NOT coalesce(p.is_healthy, false) AND p.last_checked_at IS NOT NULL
          AND EXISTS (SELECT 1 FROM campaign_resources r JOIN campaigns c ON c.id = r.campaign_id
                      WHERE r.resource_id = p.id AND r.resource_type = 'proxy' AND c.status IN ('pending', 'queued', 'running', 'paused'))
        ORDER BY p.last_checked_at
        """)
    /// $1 proxy, $2 status, $3 latency ms: a re-check through the proxy worked.
    public static let markProxyHealthy = Statement("engine_proxy_healthy", """
        UPDATE proxies SET is_healthy = true, last_status = left($2::text, 100), latency_ms = $3, last_checked_at = now(),
                           updated_at = now()
        WHERE id = $1 RETURNING user_id
        """)
    /// The lead roll-up of an HTTP batch onto the names: $1 names' campaign, $2 offsets, $3 statuses (arrays).
    public static let rollUpLeads = Statement("engine_roll_up_leads", """
        UPDATE generated_domains g SET business_status = u.status, checked_at = now()
        FROM unnest($2::bigint[], $3::text[]) AS u(offset_index, status)
        WHERE g.campaign_id = $1 AND g.offset_index = u.offset_index
        """)
    public static let httpSummariesCopy = CopyTarget(table: "http_fetch_summaries", columns: [
        "campaign_id", "offset_index", "domain_name", "url", "final_url", "status_code", "title", "body_sha256", "body_bytes",
        "truncated", "redirect_chain", "server_header", "http_version", "tls", "parked_score", "parked_signals", "lead_score",
        "is_lead", "keywords", "outcome", "error_kind", "error_message", "proxy_id", "persona_id", "address", "response_time_ms",
        "business_status",
    ])
    public static let httpKeywordResultsCopy = CopyTarget(table: "http_keyword_results", columns: [
        "campaign_id", "url", "keyword", "found", "occurrences", "context", "response_code", "response_time_ms", "status",
        "business_status", "offset_index",
    ])

    /// A page of an HTTP campaign's summaries in offset order after $2 (-1: the start), $3 page size; filters $4 leads
    /// only, $5 minimum score (NULL: none).
    public static let httpResultsPage = Statement("http_results_page", """
        SELECT domain_name, url, final_url, status_code, title, business_status, outcome, lead_score, parked_score,
               parked_signals, keywords, error_kind, error_message, response_time_ms, offset_index, is_lead, redirect_chain,
               server_header, http_version, body_sha256, body_bytes, address, proxy_id, persona_id
        FROM http_fetch_summaries
        WHERE campaign_id = $1 AND offset_index > $2 AND (NOT $4::boolean OR is_lead)
          AND ($5::float8 IS NULL OR lead_score >= $5::float8)
        ORDER BY offset_index LIMIT $3
        """)

    public static let generatedDomainsCopy = CopyTarget(table: "generated_domains",
        columns: ["campaign_id", "domain_name", "offset_index", "status", "business_status"])
    /// $1 campaign, $2 after offset (exclusive; -1 for the start), $3 page size.
    public static let generatedDomainsPage = Statement("generated_domains_page", """
        SELECT domain_name, offset_index FROM generated_domains
        WHERE campaign_id = $1 AND offset_index > $2 ORDER BY offset_index LIMIT $3
        """)

    // MARK: personas
    public static let personaColumns = "id, name, description, kind, user_id, config, created_at, updated_at"
    public static let createPersona = Statement("personas_create", """
        INSERT INTO personas (name, description, kind, config, user_agent, accept_language, accept_encoding, user_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING \(personaColumns)
        """)
    /// $1 id, $2 owner (NULL: any, for admins).
    public static let personaByID = Statement("personas_by_id",
        "SELECT \(personaColumns) FROM personas WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2) FOR UPDATE")
    public static let updatePersona = Statement("personas_update", """
        UPDATE personas SET name = $2, description = $3, kind = $4, config = $5, user_agent = $6, accept_language = $7,
                            accept_encoding = $8, updated_at = now()
        WHERE id = $1 RETURNING \(personaColumns)
        """)
    public static let deletePersona = Statement("personas_delete", "DELETE FROM personas WHERE id = $1")
    public static let listPersonas = Statement("personas_list", """
        SELECT \(personaColumns) FROM personas
        WHERE ($1::uuid IS NULL OR user_id = $1) AND ($2::text IS NULL OR kind = $2)
          AND ($3::text IS NULL OR strpos(lower(name), lower($3)) > 0)
        ORDER BY name, id LIMIT $4 OFFSET $5
        """)

    // MARK: keyword sets
    public static let keywordSetColumns = "id, name, description, user_id, created_at, updated_at"
    public static let createKeywordSet = Statement("keyword_sets_create", """
        INSERT INTO keyword_sets (name, description, user_id) VALUES ($1, $2, $3) RETURNING \(keywordSetColumns)
        """)
    /// $1 id, $2 owner (NULL: any, for admins).
    public static let keywordSetByID = Statement("keyword_sets_by_id",
        "SELECT \(keywordSetColumns) FROM keyword_sets WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2) FOR UPDATE")
    public static let updateKeywordSet = Statement("keyword_sets_update", """
        UPDATE keyword_sets SET name = coalesce($2, name), description = CASE WHEN $3 THEN $4 ELSE description END,
                                updated_at = now()
        WHERE id = $1 RETURNING \(keywordSetColumns)
        """)
    public static let deleteKeywordSet = Statement("keyword_sets_delete", "DELETE FROM keyword_sets WHERE id = $1")
    public static let listKeywordSets = Statement("keyword_sets_list", """
        SELECT s.id, s.name, s.description, s.user_id, s.created_at, s.updated_at,
               (SELECT count(*) FROM keyword_rules r WHERE r.keyword_set_id = s.id)
        FROM keyword_sets s
        WHERE ($1::uuid IS NULL OR s.user_id = $1) AND ($2::text IS NULL OR strpos(lower(s.name), lower($2)) > 0)
        ORDER BY s.name, s.id LIMIT $3 OFFSET $4
        """)
    public static let rulesOfKeywordSet = Statement("keyword_rules_of_set", """
        SELECT id, keyword, kind, case_sensitive, weight, is_active, category, context_chars
        FROM keyword_rules WHERE keyword_set_id = $1 ORDER BY position, id
        """)
    public static let deleteRulesOfKeywordSet = Statement("keyword_rules_delete_of_set",
        "DELETE FROM keyword_rules WHERE keyword_set_id = $1")
    public static let keywordRulesCopy = CopyTarget(table: "keyword_rules", columns: [
        "keyword_set_id", "keyword", "kind", "case_sensitive", "weight", "is_active", "category", "context_chars", "position",
    ])

    // MARK: campaign resources
    /// A persona's kind, share-locked so it cannot be deleted before the campaign linking it commits. $2 owner scope.
    public static let personaKindForUse = Statement("campaign_resources_persona",
        "SELECT kind, name FROM personas WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2) FOR SHARE")
    public static let proxyForUse = Statement("campaign_resources_proxy",
        "SELECT name FROM proxies WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2) FOR SHARE")
    public static let keywordSetForUse = Statement("campaign_resources_keyword_set",
        "SELECT name FROM keyword_sets WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2) FOR SHARE")
    /// $1 campaign, $2 resource type, $3 resource id, $4 position in its list.
    public static let linkCampaignResource = Statement("campaign_resources_link",
        "INSERT INTO campaign_resources (campaign_id, resource_type, resource_id, position) VALUES ($1, $2, $3, $4)")
    /// The first campaign that has not ended and uses resource $1 as one of the types in $2.
    public static let resourceInUse = Statement("campaign_resources_in_use", """
        SELECT c.name, c.status, c.id FROM campaign_resources r JOIN campaigns c ON c.id = r.campaign_id
        WHERE r.resource_id = $1 AND r.resource_type = ANY($2::text[])
          AND c.status IN ('pending', 'queued', 'running', 'paused')
        ORDER BY c.created_at, c.source_campaign_id IS NOT NULL, c.name LIMIT 1
        """)

    // MARK: proxies
    public static let proxyColumns = """
        id, name, description, address, protocol, username, password_hash IS NOT NULL, host, port, is_enabled, is_healthy,
        last_status, last_checked_at, latency_ms, city, country_code, provider, user_id
        """
    /// $1 name … $12 owner; $6 the encrypted password (never a plain one).
    public static let createProxy = Statement("proxies_create", """
        INSERT INTO proxies (name, description, address, protocol, username, password_hash, host, port, is_enabled,
                             city, country_code, provider, user_id)
        VALUES ($1, $2, $7::text || ':' || $8::integer, $3, $4, $6, $7::text, $8::integer, $5, $9, $10, $11, $12)
        RETURNING \(proxyColumns)
        """)
    public static let proxyByID = Statement("proxies_by_id",
        "SELECT \(proxyColumns) FROM proxies WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2) FOR UPDATE")
    /// $1 id, $2 name, … $6 encrypted password, $7 whether to replace the stored one.
    public static let updateProxy = Statement("proxies_update", """
        UPDATE proxies SET name = $2, description = $3, protocol = $4, username = $5,
                           password_hash = CASE WHEN $7::boolean THEN $6 ELSE password_hash END,
                           host = $8::text, port = $9::integer, address = $8::text || ':' || $9::integer,
                           is_enabled = $10, city = $11,
                           country_code = $12, provider = $13, updated_at = now()
        WHERE id = $1 RETURNING \(proxyColumns)
        """)
    public static let deleteProxy = Statement("proxies_delete", "DELETE FROM proxies WHERE id = $1")
    public static let listProxies = Statement("proxies_list", """
        SELECT \(proxyColumns) FROM proxies
        WHERE ($1::uuid IS NULL OR user_id = $1) AND ($2::text IS NULL OR strpos(lower(name), lower($2)) > 0)
          AND (NOT $3 OR is_enabled)
        ORDER BY name, id LIMIT $4 OFFSET $5
        """)
    /// What a check needs of the proxies to check: $1 owner scope; $2 one proxy's id, or NULL for every enabled proxy.
    /// Column 6 is the sealed password.
    public static let proxiesToCheck = Statement("proxies_to_check", """
        SELECT id, name, protocol, host, port, username, password_hash FROM proxies
        WHERE ($1::uuid IS NULL OR user_id = $1) AND CASE WHEN $2::uuid IS NULL THEN is_enabled ELSE id = $2 END
        ORDER BY name, id
        """)
    /// $1 id, $2 healthy, $3 last status, $4 latency in ms (NULL: no response).
    public static let recordProxyCheck = Statement("proxies_record_check", """
        UPDATE proxies SET is_healthy = $2, last_status = left($3::text, 100), latency_ms = $4, last_checked_at = now()
        WHERE id = $1 RETURNING last_checked_at
        """)
    public static let insertProxy = Statement("proxies_insert", """
        INSERT INTO proxies (name, address, protocol, host, port)
        VALUES ($1, $2, $3, $4, $5)
        RETURNING id
        """)

    // MARK: DNS results
    /// Columns of a DNS result row, in the order of `dnsResultsCopy`.
    public static let dnsResultColumns = [
        "campaign_id", "domain_name", "record_type", "record_value", "is_valid", "response_time_ms", "error_message",
        "status", "business_status", "outcome", "offset_index", "resolver", "attempts", "cname_chain", "is_available",
    ]
    public static let insertDNSResult = Statement("dns_results_insert", """
        INSERT INTO dns_validation_results (\(dnsResultColumns.joined(separator: ", ")))
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
        ON CONFLICT (campaign_id, domain_name, record_type) DO NOTHING
        """)
    public static let dnsResultsOfCampaign = Statement("dns_results_of_campaign", """
        SELECT domain_name, record_type, record_value, is_valid, response_time_ms, error_message, status, business_status
        FROM dns_validation_results WHERE campaign_id = $1 ORDER BY domain_name, record_type
        """)
    public static let countDNSResults = Statement("dns_results_count",
        "SELECT count(*) FROM dns_validation_results WHERE campaign_id = $1")
    public static let dnsResultsCopy = CopyTarget(table: "dns_validation_results", columns: dnsResultColumns)
    /// A page of a campaign's DNS results in (offset, record type) order after the cursor ($2 offset, $3 type; -1 and
    /// '' for the start), $4 page size; filters: $5 outcomes (NULL: all), $6 live only, $7 available only.
    public static let dnsResultsPage = Statement("dns_results_page", """
        SELECT domain_name, record_type, outcome, record_value, business_status, response_time_ms, resolver, attempts,
               cname_chain, error_message, offset_index, is_available
        FROM dns_validation_results
        WHERE campaign_id = $1 AND (offset_index, record_type) > ($2::bigint, $3::text)
          AND ($5::text[] IS NULL OR outcome = ANY($5::text[]))
          AND (NOT $6::boolean OR business_status = 'valid_dns') AND (NOT $7::boolean OR is_available)
        ORDER BY offset_index, record_type LIMIT $4
        """)

    /// The statements the server runs, prepared on every connection. Those only tests and benches use
    /// (`insertUser`, `insertCampaign`, `insertProxy`, `insertDNSResult`, `dnsResultsOfCampaign`,
    /// `countDNSResults`) are left out: `execute` prepares a statement on its first use on a connection.
    public static let all: [Statement] = [
        storeIdentity,
        countUsers, userByLogin, userRowByID, userByUsername, createUser, listUsers, updateUser,
        deleteUser, setPassword, touchLastLogin,
        createSession, useSession, revokeSession, revokeUserSessions,
        insertAudit, listAudit, purgeAudit,
        createCampaign, campaignByID, campaignByIDForUpdate, setCampaignStatus, listCampaigns, deleteCampaign,
        patternNextOffset, reservePatternRange, createBatches,
        followOnsOf, updateCampaignInput, insertUploadedNames, uploadedNamesOfBatch, setTotalItems,
        queuedCampaigns, campaignStatusForUpdate, leaseBatch, confirmLease, finishBatch, addProgress, allBatchesDone,
        mirrorBatches, dnsPersonasOfCampaign, namesOfBatch, findingsOfCampaign, insertFinding, rollUpNames,
        releaseLease, namesRootOf, httpPersonasOfCampaign, keywordRulesOfCampaign, proxiesOfCampaign, liveNamesOfBatch,
        markProxyUnhealthy, rollUpLeads, httpResultsPage, unhealthyProxiesInUse, markProxyHealthy, proxyCountOfCampaign,
        generatedDomainsPage,
        personaKindForUse, proxyForUse, keywordSetForUse, linkCampaignResource, resourceInUse,
        createProxy, proxyByID, updateProxy, deleteProxy, listProxies, proxiesToCheck, recordProxyCheck,
        createPersona, personaByID, updatePersona, deletePersona, listPersonas,
        createKeywordSet, keywordSetByID, updateKeywordSet, deleteKeywordSet, listKeywordSets, rulesOfKeywordSet,
        deleteRulesOfKeywordSet,
        dnsResultsPage,
    ] + ExportStatements.prepared
}
