import Foundation

/// A `personas` row.
public struct PersonaRecord: Sendable {
    public let id: UUID
    public let name: String
    public let description: String?
    /// dns or http.
    public let kind: String
    public let ownerID: UUID
    /// The stored configuration (JSON).
    public let config: String
    public let createdAt: Date?
    public let updatedAt: Date?

    static let columns = "id, name, description, kind, user_id, config, created_at, updated_at"

    init(_ row: Row) throws(StoreError) {
        id = try row.uuid(0)
        name = try row.string(1)
        description = row.optionalString(2)
        kind = try row.string(3)
        ownerID = try row.uuid(4)
        config = try row.json(5)
        createdAt = try row.optionalDate(6)
        updatedAt = try row.optionalDate(7)
    }
}

/// What a persona is made of; the HTTP identity's user agent and accept headers are also stored as columns.
public struct PersonaValues: Sendable {
    public var name: String
    public var description: String?
    /// dns or http.
    public var kind: String
    /// The configuration (JSON).
    public var config: String
    public var userAgent: String?
    public var acceptLanguage: String?
    public var acceptEncoding: String?

    public init(name: String, description: String?, kind: String, config: String, userAgent: String? = nil,
                acceptLanguage: String? = nil, acceptEncoding: String? = nil) {
        self.name = name
        self.description = description
        self.kind = kind
        self.config = config
        self.userAgent = userAgent
        self.acceptLanguage = acceptLanguage
        self.acceptEncoding = acceptEncoding
    }

    var parameters: [PGValue?] {
        [.text(name), description.map(PGValue.text), .text(kind), .json(config), userAgent.map(PGValue.text),
         acceptLanguage.map(PGValue.text), acceptEncoding.map(PGValue.text)]
    }
}

/// The statements of DNS and HTTP personas. `ownerScope` is the owner a caller may see (nil: any, for admins).
public enum Personas {
    private enum SQL {
        static let create = Statement("personas_create", """
            INSERT INTO personas (name, description, kind, config, user_agent, accept_language, accept_encoding, user_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING \(PersonaRecord.columns)
            """)
        static let byID = Statement("personas_by_id", """
            SELECT \(PersonaRecord.columns) FROM personas WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2) FOR UPDATE
            """)
        static let update = Statement("personas_update", """
            UPDATE personas SET name = $2, description = $3, kind = $4, config = $5, user_agent = $6, accept_language = $7,
                                accept_encoding = $8, updated_at = now()
            WHERE id = $1 RETURNING \(PersonaRecord.columns)
            """)
        static let delete = Statement("personas_delete", "DELETE FROM personas WHERE id = $1")
        static let list = Statement("personas_list", """
            SELECT \(PersonaRecord.columns) FROM personas
            WHERE ($1::uuid IS NULL OR user_id = $1) AND ($2::text IS NULL OR kind = $2)
              AND ($3::text IS NULL OR strpos(lower(name), lower($3)) > 0)
            ORDER BY name, id LIMIT $4 OFFSET $5
            """)
    }

    static let prepared = [SQL.create, SQL.byID, SQL.update, SQL.delete, SQL.list]

    public static func create(_ values: PersonaValues, ownerID: UUID) -> Query<PersonaRecord> {
        .one(SQL.create, values.parameters + [.uuid(ownerID)], PersonaRecord.init)
    }

    /// The persona, if `ownerScope` may see it, locked until the transaction ends (inside one).
    public static func find(id: UUID, scope ownerScope: UUID?) -> Query<PersonaRecord?> {
        .first(SQL.byID, [.uuid(id), ownerScope.map(PGValue.uuid)], PersonaRecord.init)
    }

    /// Replaces every value; nil when there is no such persona.
    public static func update(id: UUID, _ values: PersonaValues) -> Query<PersonaRecord?> {
        .first(SQL.update, [.uuid(id)] + values.parameters, PersonaRecord.init)
    }

    public static func delete(id: UUID) -> Query<Int> { .affectedRows(SQL.delete, [.uuid(id)]) }

    /// A page in name order; `kind` and `nameContains` (case-insensitive) filter when given.
    public static func list(scope ownerScope: UUID?, kind: String?, nameContains: String?, limit: Int,
                            offset: Int) -> Query<[PersonaRecord]> {
        .rows(SQL.list, [ownerScope.map(PGValue.uuid), kind.map(PGValue.text), nameContains.map(PGValue.text),
                         .int(limit), .int(offset)], PersonaRecord.init)
    }
}
