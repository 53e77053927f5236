import Foundation

/// A `users` row.
public struct UserRecord: Sendable {
    public let id: UUID
    public let username: String
    public let email: String
    /// The stored role name (admin, user, viewer).
    public let roleName: String
    public let isActive: Bool
    public let createdAt: Date?
    public let lastLogin: Date?
    public let mustChangePassword: Bool
    public let passwordHash: String

    /// The columns `init(_:)` reads, in its order.
    static let columns = "id, username, email, role, is_active, created_at, last_login, must_change_password, password_hash"

    init(_ row: Row) throws(StoreError) {
        id = try row.uuid(0)
        username = try row.string(1)
        email = try row.string(2)
        roleName = try row.string(3)
        isActive = try row.bool(4)
        createdAt = try row.optionalDate(5)
        lastLogin = try row.optionalDate(6)
        mustChangePassword = try row.bool(7)
        passwordHash = try row.string(8)
    }
}

/// The statements of users.
public enum Users {
    private enum SQL {
        static let count = Statement("users_count", "SELECT count(*) FROM users")
        static let byLogin = Statement("users_by_login", """
            SELECT \(UserRecord.columns) FROM users WHERE username = $1 OR lower(email) = lower($1)
            ORDER BY username = $1 DESC LIMIT 1
            """)
        static let byID = Statement("users_row_by_id", "SELECT \(UserRecord.columns) FROM users WHERE id = $1")
        static let byUsername = Statement("users_by_username",
            "SELECT \(UserRecord.columns) FROM users WHERE username = $1")
        static let create = Statement("users_create", """
            INSERT INTO users (username, email, password_hash, role, is_active, must_change_password)
            VALUES ($1, $2, $3, $4, true, $5)
            RETURNING \(UserRecord.columns)
            """)
        static let list = Statement("users_list",
            "SELECT \(UserRecord.columns) FROM users ORDER BY username LIMIT $1 OFFSET $2")
        static let update = Statement("users_update", """
            UPDATE users SET role = coalesce($2, role), email = coalesce($3, email), is_active = coalesce($4, is_active),
                             updated_at = now()
            WHERE id = $1 RETURNING \(UserRecord.columns)
            """)
        static let delete = Statement("users_delete", "DELETE FROM users WHERE id = $1")
        static let setPassword = Statement("users_set_password", """
            UPDATE users SET password_hash = $2, must_change_password = $3, updated_at = now() WHERE id = $1
            """)
        static let touchLastLogin = Statement("users_touch_last_login",
            "UPDATE users SET last_login = now() WHERE id = $1")
        /// Tests and benches only (not prepared on every connection): a user with no must-change flag.
        static let insertForTests = Statement("users_insert", """
            INSERT INTO users (username, email, password_hash, role, is_active) VALUES ($1, $2, $3, $4, $5)
            RETURNING id
            """)
    }

    static let prepared = [SQL.count, SQL.byLogin, SQL.byID, SQL.byUsername, SQL.create, SQL.list, SQL.update, SQL.delete, SQL.setPassword, SQL.touchLastLogin]
    /// Statements only tests and benches run, prepared on first use.
    static let preparedOnFirstUse = [SQL.insertForTests]

    public static func count() -> Query<Int> { .count(SQL.count) }

    /// The user whose username is `login`, or else whose email is (case-insensitively).
    public static func find(login: String) -> Query<UserRecord?> { .first(SQL.byLogin, [.text(login)], UserRecord.init) }
    public static func find(id: UUID) -> Query<UserRecord?> { .first(SQL.byID, [.uuid(id)], UserRecord.init) }
    public static func find(username: String) -> Query<UserRecord?> {
        .first(SQL.byUsername, [.text(username)], UserRecord.init)
    }

    /// An active user.
    public static func create(username: String, email: String, passwordHash: String, roleName: String,
                              mustChangePassword: Bool) -> Query<UserRecord> {
        .one(SQL.create, [.text(username), .text(email), .text(passwordHash), .text(roleName), .bool(mustChangePassword)],
             UserRecord.init)
    }

    /// A page in username order.
    public static func list(limit: Int, offset: Int) -> Query<[UserRecord]> {
        .rows(SQL.list, [.int(limit), .int(offset)], UserRecord.init)
    }

    /// Changes what is not nil; nil when there is no such user.
    public static func update(id: UUID, roleName: String?, email: String?, isActive: Bool?) -> Query<UserRecord?> {
        .first(SQL.update, [.uuid(id), roleName.map(PGValue.text), email.map(PGValue.text), isActive.map(PGValue.bool)],
               UserRecord.init)
    }

    /// Rows deleted (sessions cascade).
    public static func delete(id: UUID) -> Query<Int> { .affectedRows(SQL.delete, [.uuid(id)]) }

    /// Rows changed: 0 when there is no such user.
    public static func setPassword(id: UUID, hash: String, mustChange: Bool) -> Query<Int> {
        .affectedRows(SQL.setPassword, [.uuid(id), .text(hash), .bool(mustChange)])
    }

    public static func touchLastLogin(id: UUID) -> Query<Int> { .affectedRows(SQL.touchLastLogin, [.uuid(id)]) }

    /// Tests and benches: a user row as given, its id.
    public static func insertForTests(username: String, email: String, passwordHash: String, roleName: String,
                                      isActive: Bool = true) -> Query<UUID> {
        .one(SQL.insertForTests, [.text(username), .text(email), .text(passwordHash), .text(roleName), .bool(isActive)],
             Row.leadingUUID)
    }
}
