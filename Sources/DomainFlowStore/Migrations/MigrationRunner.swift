import Logging

/// Applies pending migrations: each in its own transaction, all under a PostgreSQL
/// advisory lock (two servers starting at once do not race), recorded in
/// `schema_migrations` with a SHA-256 of their text. An applied migration whose text
/// changed stops everything: the database and the code disagree.
public enum MigrationRunner {
    /// Arbitrary but fixed: the advisory lock key of DomainFlow's migrations.
    static let lockKey: Int64 = 0x646F_6D61_696E_666C  // "domainfl"

    public struct Outcome: Sendable, Equatable {
        public let applied: [Int]
        public let schemaVersion: Int
    }

    /// Runs on one connection (blocking). Returns which versions it applied.
    public static func run(on connection: PGConnection, migrations: [Migration] = Migration.embedded,
                           logger: Logger? = nil) throws(StoreError) -> Outcome {
        _ = try connection.simpleQuery("SELECT pg_advisory_lock(\(lockKey))")
        do {
            let outcome = try applyPending(on: connection, migrations: migrations, logger: logger)
            _ = try? connection.simpleQuery("SELECT pg_advisory_unlock(\(lockKey))")
            return outcome
        } catch {
            _ = try? connection.simpleQuery("ROLLBACK")
            _ = try? connection.simpleQuery("SELECT pg_advisory_unlock(\(lockKey))")
            throw error
        }
    }

    private static let createTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            checksum TEXT NOT NULL,
            applied_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
        )
        """
    private static let selectApplied = Statement("migrations_applied", "SELECT version, name, checksum FROM schema_migrations")
    private static let checksum = Statement("migrations_checksum", "SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')")
    private static let record = Statement("migrations_record",
        "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, encode(sha256(convert_to($3, 'UTF8')), 'hex'))")

    private static func applyPending(on connection: PGConnection, migrations: [Migration],
                                     logger: Logger?) throws(StoreError) -> Outcome {
        _ = try connection.simpleQuery(createTable)
        var applied: [Int: String] = [:]
        for row in try connection.execute(selectApplied).rows {
            applied[Int(try row.int(0))] = try row.string(2)
        }
        var newlyApplied: [Int] = []
        for migration in migrations.sorted(by: { $0.version < $1.version }) {
            if let recorded = applied[migration.version] {
                let current = try connection.execute(checksum, [.text(migration.sql)]).first?.string(0)
                guard current == recorded else {
                    throw StoreError(kind: .failedPrecondition, message:
                        "migration \(migration.name) was changed after it was applied (checksum \(recorded), now \(current ?? "?")); "
                        + "refusing to start: add a new migration instead of editing an applied one")
                }
                continue
            }
            _ = try connection.simpleQuery("BEGIN")
            _ = try connection.simpleQuery(migration.sql)
            _ = try connection.execute(record, [.int(migration.version), .text(migration.name), .text(migration.sql)])
            _ = try connection.simpleQuery("COMMIT")
            logger?.info("applied migration", metadata: ["migration": "\(migration.name)"])
            newlyApplied.append(migration.version)
        }
        let version = max(applied.keys.max() ?? 0, newlyApplied.max() ?? 0)
        return Outcome(applied: newlyApplied, schemaVersion: version)
    }
}
