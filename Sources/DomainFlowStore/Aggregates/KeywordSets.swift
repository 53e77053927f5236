import Foundation

/// A `keyword_sets` row; `ruleCount` only where the statement counts them (lists).
public struct KeywordSetRecord: Sendable {
    public let id: UUID
    public let name: String
    public let description: String?
    public let ownerID: UUID
    public let createdAt: Date?
    public let updatedAt: Date?
    public let ruleCount: Int?

    static let columns = "id, name, description, user_id, created_at, updated_at"

    init(_ row: Row, counted: Bool = false) throws(StoreError) {
        id = try row.uuid(0)
        name = try row.string(1)
        description = row.optionalString(2)
        ownerID = try row.uuid(3)
        createdAt = try row.optionalDate(4)
        updatedAt = try row.optionalDate(5)
        ruleCount = counted ? Int(try row.int(6)) : nil
    }
}

/// A keyword rule of a set, as stored.
public struct KeywordRuleRecord: Sendable {
    public let id: UUID
    public let keyword: String
    /// string or regex.
    public let kind: String
    public let caseSensitive: Bool
    /// Its weight in exact decimal text, e.g. "1.50".
    public let weight: String
    public let isActive: Bool
    public let category: String?
    public let contextChars: Int
}

/// A rule to store, at `position` in its set.
public struct NewKeywordRule: Sendable {
    public var keyword: String
    /// string or regex.
    public var kind: String
    public var caseSensitive: Bool
    /// Exact decimal text, e.g. "1.50".
    public var weight: String
    public var isActive: Bool
    public var category: String?
    public var contextChars: Int
    public var position: Int

    public init(keyword: String, kind: String, caseSensitive: Bool, weight: String, isActive: Bool, category: String?,
                contextChars: Int, position: Int) {
        self.keyword = keyword
        self.kind = kind
        self.caseSensitive = caseSensitive
        self.weight = weight
        self.isActive = isActive
        self.category = category
        self.contextChars = contextChars
        self.position = position
    }
}

/// The statements of keyword sets and their rules. `ownerScope` is the owner a caller may see (nil: any, for admins).
public enum KeywordSets {
    private enum SQL {
        static let create = Statement("keyword_sets_create", """
            INSERT INTO keyword_sets (name, description, user_id) VALUES ($1, $2, $3) RETURNING \(KeywordSetRecord.columns)
            """)
        static let byID = Statement("keyword_sets_by_id", """
            SELECT \(KeywordSetRecord.columns) FROM keyword_sets WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2)
            FOR UPDATE
            """)
        static let update = Statement("keyword_sets_update", """
            UPDATE keyword_sets SET name = coalesce($2, name), description = CASE WHEN $3 THEN $4 ELSE description END,
                                    updated_at = now()
            WHERE id = $1
            """)
        static let delete = Statement("keyword_sets_delete", "DELETE FROM keyword_sets WHERE id = $1")
        static let list = Statement("keyword_sets_list", """
            SELECT s.id, s.name, s.description, s.user_id, s.created_at, s.updated_at,
                   (SELECT count(*) FROM keyword_rules r WHERE r.keyword_set_id = s.id)
            FROM keyword_sets s
            WHERE ($1::uuid IS NULL OR s.user_id = $1) AND ($2::text IS NULL OR strpos(lower(s.name), lower($2)) > 0)
            ORDER BY s.name, s.id LIMIT $3 OFFSET $4
            """)
        static let rules = Statement("keyword_rules_of_set", """
            SELECT id, keyword, kind, case_sensitive, weight, is_active, category, context_chars
            FROM keyword_rules WHERE keyword_set_id = $1 ORDER BY position, id
            """)
        static let deleteRules = Statement("keyword_rules_delete_of_set",
            "DELETE FROM keyword_rules WHERE keyword_set_id = $1")
    }

    static let prepared = [SQL.create, SQL.byID, SQL.update, SQL.delete, SQL.list, SQL.rules, SQL.deleteRules]

    public static func create(name: String, description: String?, ownerID: UUID) -> Query<KeywordSetRecord> {
        .one(SQL.create, [.text(name), description.map(PGValue.text), .uuid(ownerID)]) {
            (row: Row) throws(StoreError) -> KeywordSetRecord in try KeywordSetRecord(row)
        }
    }

    /// The set, if `ownerScope` may see it, locked until the transaction ends (inside one).
    public static func find(id: UUID, scope ownerScope: UUID?) -> Query<KeywordSetRecord?> {
        .first(SQL.byID, [.uuid(id), ownerScope.map(PGValue.uuid)]) {
            (row: Row) throws(StoreError) -> KeywordSetRecord in try KeywordSetRecord(row)
        }
    }

    /// Renames (a non-nil `name`) and sets the description (when `setDescription`; nil clears it).
    public static func update(id: UUID, name: String?, setDescription: Bool, description: String?) -> Query<Int> {
        .affectedRows(SQL.update, [.uuid(id), name.map(PGValue.text), .bool(setDescription), description.map(PGValue.text)])
    }

    /// Rows deleted (rules cascade).
    public static func delete(id: UUID) -> Query<Int> { .affectedRows(SQL.delete, [.uuid(id)]) }

    /// A page in name order, each with its rule count.
    public static func list(scope ownerScope: UUID?, nameContains: String?, limit: Int,
                            offset: Int) -> Query<[KeywordSetRecord]> {
        .rows(SQL.list, [ownerScope.map(PGValue.uuid), nameContains.map(PGValue.text), .int(limit), .int(offset)]) {
            (row: Row) throws(StoreError) -> KeywordSetRecord in try KeywordSetRecord(row, counted: true)
        }
    }

    /// The set's rules in their order.
    public static func rules(of setID: UUID) -> Query<[KeywordRuleRecord]> {
        .rows(SQL.rules, [.uuid(setID)]) { (row: Row) throws(StoreError) -> KeywordRuleRecord in
            KeywordRuleRecord(id: try row.uuid(0), keyword: try row.string(1), kind: try row.string(2),
                              caseSensitive: try row.bool(3), weight: row.optionalString(4) ?? "1.00",
                              isActive: try row.optionalBool(5) ?? true, category: row.optionalString(6),
                              contextChars: Int(try row.int(7)))
        }
    }

    public static func deleteRules(of setID: UUID) -> Query<Int> { .affectedRows(SQL.deleteRules, [.uuid(setID)]) }

    /// Loads the rules of one set (`rules(of:)` reads them back).
    public static func copyRules(into setID: UUID) -> CopyStatement<NewKeywordRule> {
        CopyStatement(table: "keyword_rules", columns: [
            "keyword_set_id", "keyword", "kind", "case_sensitive", "weight", "is_active", "category", "context_chars",
            "position",
        ]) { rule in
            [.uuid(setID), .text(rule.keyword), .text(rule.kind), .bool(rule.caseSensitive), .numeric(rule.weight),
             .bool(rule.isActive), rule.category.map(PGValue.text), .int(rule.contextChars), .int(rule.position)]
        }
    }
}
