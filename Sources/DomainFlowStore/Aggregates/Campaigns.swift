import DomainFlowCore
import Foundation

/// What `Campaigns.list` selects; nil matches anything.
public struct CampaignFilter: Sendable {
    /// The owner (nil: every owner, for admins).
    public var ownerScope: UUID?
    public var typeName: String?
    public var status: CampaignStatus?
    /// A substring of the name, compared case-insensitively.
    public var nameContains: String?

    public init(ownerScope: UUID?, typeName: String? = nil, status: CampaignStatus? = nil, nameContains: String? = nil) {
        self.ownerScope = ownerScope
        self.typeName = typeName
        self.status = status
        self.nameContains = nameContains
    }
}

/// What a new campaign is made of.
public struct NewCampaign: Sendable {
    public var name: String
    public var description: String?
    public var typeName: String
    public var ownerID: UUID
    /// Its parameters (JSON).
    public var parameters: String
    public var totalItems: Int64
    /// The types of the follow-on steps, in order.
    public var pipeline: [String]
    public var sourceCampaignID: UUID?
    /// nil, or "open" for a list the user uploads.
    public var inputState: String?

    public init(name: String, description: String?, typeName: String, ownerID: UUID, parameters: String, totalItems: Int64,
                pipeline: [String], sourceCampaignID: UUID?, inputState: String?) {
        self.name = name
        self.description = description
        self.typeName = typeName
        self.ownerID = ownerID
        self.parameters = parameters
        self.totalItems = totalItems
        self.pipeline = pipeline
        self.sourceCampaignID = sourceCampaignID
        self.inputState = inputState
    }
}

/// A follow-on campaign of a pipeline.
public struct FollowOn: Sendable {
    public let id: UUID
    public let status: String
    public let typeName: String
}

/// The statements of campaigns: their rows, their status, their pipelines. `ownerScope` is the owner a caller
/// may see (nil: any owner, for admins).
public enum Campaigns {
    private enum SQL {
        static let create = Statement("campaigns_create", """
            INSERT INTO campaigns (name, description, campaign_type, status, user_id, parameters, total_items, pipeline,
                                   source_campaign_id, input_state)
            VALUES ($1, $2, $3, 'pending', $4, $5, $6, string_to_array($7, ','), $8, $9) RETURNING \(CampaignRecord.columns)
            """)
        static let byID = Statement("campaigns_by_id",
            "SELECT \(CampaignRecord.columns) FROM campaigns WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2)")
        static let byIDForUpdate = Statement("campaigns_by_id_for_update",
            "SELECT \(CampaignRecord.columns) FROM campaigns WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2) FOR UPDATE")
        static let list = Statement("campaigns_list", """
            SELECT \(CampaignRecord.columns) FROM campaigns
            WHERE ($1::uuid IS NULL OR user_id = $1) AND ($2::text IS NULL OR campaign_type = $2)
              AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR strpos(lower(name), lower($4)) > 0)
            ORDER BY created_at DESC, id DESC LIMIT $5 OFFSET $6
            """)
        static let delete = Statement("campaigns_delete", "DELETE FROM campaigns WHERE id = $1")
        static let followOns = Statement("campaigns_follow_ons", """
            WITH RECURSIVE chain(id, depth) AS (
                SELECT id, 1 FROM campaigns WHERE source_campaign_id = $1
                UNION ALL SELECT c.id, chain.depth + 1 FROM campaigns c JOIN chain ON c.source_campaign_id = chain.id
                WHERE chain.depth < 8)
            SELECT c.id, c.status, c.campaign_type FROM chain JOIN campaigns c ON c.id = chain.id ORDER BY chain.depth
            """)
        static let updateInput = Statement("campaigns_update_input", """
            UPDATE campaigns SET parameters = parameters || $2::jsonb, total_items = $3, input_state = $4, updated_at = now()
            WHERE id = $1
            """)
        static let setTotal = Statement("campaigns_set_total",
            "UPDATE campaigns SET total_items = $2, updated_at = now() WHERE id = $1")
        static let statusForUpdate = Statement("engine_campaign_status",
            "SELECT status FROM campaigns WHERE id = $1 FOR UPDATE")
        static let setStatus = Statement("campaigns_set_status", """
            UPDATE campaigns SET status = $2::text, updated_at = now(),
                started_at = CASE WHEN $2::text IN ('queued', 'running') THEN coalesce(started_at, now()) ELSE started_at END,
                completed_at = CASE WHEN $2::text IN ('completed', 'failed', 'cancelled') THEN now() ELSE completed_at END,
                error_message = coalesce($3::text, error_message)
            WHERE id = $1
            """)
        static let queued = Statement("engine_queued_campaigns",
            "SELECT id FROM campaigns WHERE status = 'queued' AND campaign_type = ANY($1::text[]) FOR UPDATE SKIP LOCKED")
        static let namesRoot = Statement("engine_names_root",
            "SELECT coalesce(source_campaign_id, id) FROM campaigns WHERE id = $1")
        static let nextPatternOffset = Statement("pattern_next_offset",
            "SELECT next_offset FROM generation_pattern_offsets WHERE pattern_key = $1 FOR UPDATE")
        static let reservePatternRange = Statement("pattern_reserve", """
            INSERT INTO generation_pattern_offsets (pattern_key, next_offset) VALUES ($1, $2)
            ON CONFLICT (pattern_key) DO UPDATE
            SET next_offset = greatest(generation_pattern_offsets.next_offset, EXCLUDED.next_offset), updated_at = now()
            """)
        /// Tests and benches only (not prepared on every connection): a row as given, its id.
        static let insertForTests = Statement("campaigns_insert", """
            INSERT INTO campaigns (name, description, campaign_type, status, user_id, parameters)
            VALUES ($1, NULL, $2, $3, $4, $5) RETURNING id
            """)
    }

    static let prepared = [
        SQL.create, SQL.byID, SQL.byIDForUpdate, SQL.list, SQL.delete, SQL.followOns, SQL.updateInput, SQL.setTotal,
        SQL.statusForUpdate, SQL.setStatus, SQL.queued, SQL.namesRoot, SQL.nextPatternOffset, SQL.reservePatternRange,
    ]
    /// Statements only tests and benches run, prepared on first use.
    static let preparedOnFirstUse = [SQL.insertForTests]

    /// A pending campaign.
    public static func create(_ campaign: NewCampaign) -> Query<CampaignRecord> {
        .one(SQL.create, [
            .text(campaign.name), campaign.description.map(PGValue.text), .text(campaign.typeName), .uuid(campaign.ownerID),
            .json(campaign.parameters), .int(campaign.totalItems), .text(campaign.pipeline.joined(separator: ",")),
            campaign.sourceCampaignID.map(PGValue.uuid), campaign.inputState.map(PGValue.text),
        ], CampaignRecord.init)
    }

    /// The campaign, if `ownerScope` may see it; `forUpdate` locks it until the transaction ends.
    public static func find(id: UUID, scope ownerScope: UUID?, forUpdate: Bool = false) -> Query<CampaignRecord?> {
        .first(forUpdate ? SQL.byIDForUpdate : SQL.byID, [.uuid(id), ownerScope.map(PGValue.uuid)], CampaignRecord.init)
    }

    /// A page, newest first.
    public static func list(_ filter: CampaignFilter, limit: Int, offset: Int) -> Query<[CampaignRecord]> {
        .rows(SQL.list, [filter.ownerScope.map(PGValue.uuid), filter.typeName.map(PGValue.text),
                         filter.status.map { .text($0.rawValue) }, filter.nameContains.map(PGValue.text),
                         .int(limit), .int(offset)], CampaignRecord.init)
    }

    /// Rows deleted (results, batches and links cascade).
    public static func delete(id: UUID) -> Query<Int> { .affectedRows(SQL.delete, [.uuid(id)]) }

    /// The follow-on campaigns of `id`, nearest first (the pipeline's chain).
    public static func followOns(of id: UUID) -> Query<[FollowOn]> {
        .rows(SQL.followOns, [.uuid(id)]) { (row: Row) throws(StoreError) -> FollowOn in
            FollowOn(id: try row.uuid(0), status: try row.string(1), typeName: try row.string(2))
        }
    }

    /// Records an upload's state: `state` (a JSON object) is merged into the parameters, other keys stay.
    public static func updateInput(id: UUID, state: String, totalItems: Int64, inputState: String) -> Query<Int> {
        .affectedRows(SQL.updateInput, [.uuid(id), .json(state), .int(totalItems), .text(inputState)])
    }

    public static func setTotalItems(id: UUID, _ total: Int64) -> Query<Int> {
        .affectedRows(SQL.setTotal, [.uuid(id), .int(total)])
    }

    /// The campaign's status, locked for a transition; nil when it is gone.
    public static func statusForUpdate(id: UUID) -> Query<CampaignStatus?> {
        .first(SQL.statusForUpdate, [.uuid(id)]) { (row: Row) throws(StoreError) -> CampaignStatus in
            try row.campaignStatus(0)
        }
    }

    /// Writes a status the state machine chose, with its timestamps; `message` (if any) becomes the error message.
    public static func setStatus(id: UUID, _ status: CampaignStatus, message: String?) -> Query<Int> {
        .affectedRows(SQL.setStatus, [.uuid(id), .text(status.rawValue), message.map(PGValue.text)])
    }

    /// Queued campaigns of `typeNames` to begin, locked, skipping those another engine holds.
    public static func queued(ofTypes typeNames: [String]) -> Query<[UUID]> {
        .rows(SQL.queued, [.array(typeNames)], Row.leadingUUID)
    }

    /// The campaign whose names `id` reads: its source's, or its own.
    public static func namesRoot(of id: UUID) -> Query<UUID?> {
        .first(SQL.namesRoot, [.uuid(id)], Row.leadingUUID)
    }

    /// The next free offset of a generation pattern (0 for a new one), locked until the transaction ends.
    public static func nextPatternOffset(key: String) -> Query<Int64> {
        Query(SQL.nextPatternOffset, [.text(key)]) { (result: QueryResult) throws(StoreError) -> Int64 in
            try result.first?.int(0) ?? 0
        }
    }

    /// Moves a pattern's next free offset to at least `end`.
    public static func reservePatternRange(key: String, end: Int64) -> Query<Int> {
        .affectedRows(SQL.reservePatternRange, [.text(key), .int(end)])
    }

    /// Tests and benches: a campaign row as given (parameters a JSON object), its id.
    public static func insertForTests(name: String, typeName: String, status: String, ownerID: UUID,
                                      parameters: String = "{}") -> Query<UUID> {
        .one(SQL.insertForTests, [.text(name), .text(typeName), .text(status), .uuid(ownerID), .json(parameters)],
             Row.leadingUUID)
    }
}
