import Foundation

/// A batch leased to this engine: the campaign's offsets `startOffset ..< startOffset + count`.
public struct LeasedBatch: Sendable {
    public let campaignID: UUID
    public let campaignType: String
    public let batchIndex: Int64
    public let startOffset: Int64
    public let count: Int64
    /// The campaign's `parameters` (JSON).
    public let parameters: String
    /// The campaign whose results this one reads, if any.
    public let sourceCampaignID: UUID?
}

/// The statements of campaign batches: how campaigns are cut, leased, finished and counted.
public enum Batches {
    private enum SQL {
        static let create = Statement("batches_create", """
            INSERT INTO campaign_batches (campaign_id, batch_index, start_offset, item_count)
            SELECT $1, i, $2::bigint + i * $3::bigint, least($3::bigint, $4::bigint - i * $3::bigint)
            FROM generate_series(0::bigint, ($4::bigint + $3::bigint - 1) / $3::bigint - 1) AS i
            """)
        static let mirror = Statement("batches_mirror", """
            INSERT INTO campaign_batches (campaign_id, batch_index, start_offset, item_count)
            SELECT $1, batch_index, start_offset, item_count FROM campaign_batches WHERE campaign_id = $2
            """)
        /// The next pending batch of a running campaign whose lease is free or expired and whose source batch (same
        /// index) is done; lowest batch index first, so a follow-on's batch i runs right after its source's batch i.
        static let lease = Statement("engine_lease_batch", """
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
            FROM next, campaigns c
            WHERE b.campaign_id = next.campaign_id AND b.batch_index = next.batch_index AND c.id = b.campaign_id
            RETURNING b.campaign_id, b.batch_index, b.start_offset, b.item_count, c.parameters, c.campaign_type,
                      c.source_campaign_id
            """)
        static let confirmLease = Statement("engine_confirm_lease", """
            SELECT 1 FROM campaign_batches
            WHERE campaign_id = $1 AND batch_index = $2 AND status = 'pending' AND lease_holder = $3 FOR UPDATE
            """)
        static let releaseLease = Statement("engine_release_lease", """
            UPDATE campaign_batches SET lease_holder = NULL, lease_expires_at = NULL
            WHERE campaign_id = $1 AND batch_index = $2 AND lease_holder = $3 AND status = 'pending'
            """)
        static let finish = Statement("engine_finish_batch", """
            UPDATE campaign_batches SET status = 'done', completed_at = now(), completed_by = $3, lease_holder = NULL,
                                        lease_expires_at = NULL
            WHERE campaign_id = $1 AND batch_index = $2
            """)
        static let addProgress = Statement("engine_add_progress", """
            UPDATE campaigns SET processed_items = processed_items + $2, skipped_items = skipped_items + $3,
                outcome_counts = (SELECT coalesce(jsonb_object_agg(key, total), '{}'::jsonb) FROM (
                    SELECT key, sum(value::bigint) AS total FROM (
                        SELECT key, value FROM jsonb_each_text(outcome_counts)
                        UNION ALL SELECT key, value FROM jsonb_each_text($4::jsonb)) AS merged GROUP BY key) AS summed),
                queries_sent = queries_sent + $5, updated_at = now()
            WHERE id = $1
            """)
        static let skipFlushWait = Statement("engine_skip_flush_wait",
            "SELECT set_config('synchronous_commit', 'off', true)")
        static let allDone = Statement("engine_all_batches_done",
            "SELECT NOT EXISTS (SELECT 1 FROM campaign_batches WHERE campaign_id = $1 AND status = 'pending')")
    }

    static let prepared = [
        SQL.create, SQL.mirror, SQL.lease, SQL.confirmLease, SQL.releaseLease, SQL.finish, SQL.addProgress, SQL.allDone,
        SQL.skipFlushWait,
    ]

    /// Batches of `batchSize` over offsets `start ..< start + count`.
    public static func cut(campaign: UUID, start: Int64, count: Int64, batchSize: Int) -> Query<Int> {
        .affectedRows(SQL.create, [.uuid(campaign), .int(start), .int(batchSize), .int(count)])
    }

    /// Batches of follow-on `campaign` mirroring its source's, index for index.
    public static func mirror(campaign: UUID, source: UUID) -> Query<Int> {
        .affectedRows(SQL.mirror, [.uuid(campaign), .uuid(source)])
    }

    /// Leases the next batch to run (of a campaign of `typeNames`) to `holder` for `seconds`; nil when none is ready.
    public static func lease(holder: String, seconds: Double, typeNames: [String]) -> Query<LeasedBatch?> {
        .first(SQL.lease, [.text(holder), .double(seconds), .array(typeNames)]) {
            (row: Row) throws(StoreError) -> LeasedBatch in
            LeasedBatch(campaignID: try row.uuid(0), campaignType: try row.string(5), batchIndex: try row.int(1),
                        startOffset: try row.int(2), count: try row.int(3), parameters: try row.json(4),
                        sourceCampaignID: try row.optionalUUID(6))
        }
    }

    /// Whether `holder` still holds the batch (locking it): a lease that expired may have gone to another engine.
    public static func confirmLease(campaign: UUID, batch: Int64, holder: String) -> Query<Bool> {
        .exists(SQL.confirmLease, [.uuid(campaign), .int(batch), .text(holder)])
    }

    /// Gives a leased batch back at once (the campaign was paused).
    public static func releaseLease(campaign: UUID, batch: Int64, holder: String) -> Query<Int> {
        .affectedRows(SQL.releaseLease, [.uuid(campaign), .int(batch), .text(holder)])
    }

    public static func finish(campaign: UUID, batch: Int64, holder: String) -> Query<Int> {
        .affectedRows(SQL.finish, [.uuid(campaign), .int(batch), .text(holder)])
    }

    /// Adds a batch's counts to its campaign: offsets processed and skipped, rows per outcome (`outcomeCounts`, a
    /// JSON object of counts), DNS queries sent.
    public static func addProgress(campaign: UUID, processed: Int64, skipped: Int64, outcomeCounts: String,
                                   queriesSent: Int64) -> Query<Int> {
        .affectedRows(SQL.addProgress, [.uuid(campaign), .int(processed), .int(skipped), .json(outcomeCounts),
                                        .int(queriesSent)])
    }

    /// Lets the current transaction commit without waiting for its WAL flush (`synchronous_commit = off` until it
    /// ends): a crash may then lose the last commits, each one whole.
    public static func skipFlushWait() -> Query<Int> { .affectedRows(SQL.skipFlushWait) }

    /// Whether the campaign has no pending batch left.
    public static func allDone(campaign: UUID) -> Query<Bool> {
        Query(SQL.allDone, [.uuid(campaign)]) { (result: QueryResult) throws(StoreError) -> Bool in
            try result.first?.bool(0) ?? false
        }
    }
}
