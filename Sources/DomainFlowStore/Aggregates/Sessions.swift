import Foundation

/// A live session found by its token, with its user.
public struct SessionRecord: Sendable {
    public let id: UUID
    public let expiresAt: Date
    public let userID: UUID
    public let username: String
    public let roleName: String
    public let mustChangePassword: Bool
}

/// The statements of sessions. Tokens are hashed by the statements, never stored.
public enum Sessions {
    private enum SQL {
        static let create = Statement("sessions_create", """
            INSERT INTO sessions (user_id, token_hash, expires_at, peer_uid, peer_pid)
            VALUES ($1, encode(sha256(convert_to($2, 'UTF8')), 'hex'), now() + make_interval(secs => $3), $4, $5)
            RETURNING id, expires_at
            """)
        static let use = Statement("sessions_use", """
            UPDATE sessions s SET last_seen_at = now(), expires_at = now() + make_interval(secs => $2)
            FROM users u
            WHERE s.token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex') AND s.user_id = u.id
              AND s.revoked_at IS NULL AND s.expires_at > now() AND u.is_active
            RETURNING s.id, s.expires_at, u.id, u.username, u.role, u.must_change_password
            """)
        static let revoke = Statement("sessions_revoke",
            "UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL")
        static let revokeOfUser = Statement("sessions_revoke_user",
            "UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL AND id IS DISTINCT FROM $2")
    }

    static let prepared = [SQL.create, SQL.use, SQL.revoke, SQL.revokeOfUser]

    /// A new session of `userID` for `token`, living `lifetime` seconds; its id and expiry.
    public static func create(userID: UUID, token: String, lifetime: Double, peerUID: Int64?,
                              peerPID: Int64?) -> Query<(id: UUID, expiresAt: Date)> {
        .one(SQL.create, [.uuid(userID), .text(token), .double(lifetime), peerUID.map(PGValue.int), peerPID.map(PGValue.int)]) {
            (row: Row) throws(StoreError) -> (id: UUID, expiresAt: Date) in (try row.uuid(0), try row.date(1))
        }
    }

    /// The live session of an active user holding `token`, its expiry slid `lifetime` seconds forward; nil when
    /// the token is unknown, expired or revoked.
    public static func use(token: String, lifetime: Double) -> Query<SessionRecord?> {
        .first(SQL.use, [.text(token), .double(lifetime)]) { (row: Row) throws(StoreError) -> SessionRecord in
            SessionRecord(id: try row.uuid(0), expiresAt: try row.date(1), userID: try row.uuid(2),
                          username: try row.string(3), roleName: try row.string(4), mustChangePassword: try row.bool(5))
        }
    }

    public static func revoke(id: UUID) -> Query<Int> { .affectedRows(SQL.revoke, [.uuid(id)]) }

    /// Ends every session of `userID` but `keeping` (nil: all of them).
    public static func revokeAll(of userID: UUID, keeping: UUID?) -> Query<Int> {
        .affectedRows(SQL.revokeOfUser, [.uuid(userID), keeping.map(PGValue.uuid)])
    }
}
