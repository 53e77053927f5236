@testable import DomainFlowStore
import DomainFlowTestSupport
import Testing

@Suite struct MigrationTests {
    static let seedTables = ["audit_logs", "campaigns", "dns_validation_results", "generated_domains",
                             "http_keyword_results", "keyword_rules", "keyword_sets", "personas", "proxies", "users"]
    static let seedIndexes = ["idx_campaigns_user_status", "idx_campaigns_type_created", "idx_generated_domains_campaign",
                              "idx_dns_results_domain_type", "idx_http_results_url_keyword", "idx_audit_logs_user_action",
                              "idx_audit_logs_created_at", "idx_campaigns_parameters", "idx_users_role"]

    @Test func schemaAppliesOnEmptyDatabaseAndSecondRunAppliesNothing() throws {
        let connection = try PGConnection(connectionString: try TestDatabase.create())
        let first = try MigrationRunner.run(on: connection)
        #expect(first.applied == Migration.embedded.map(\.version))
        #expect(first.schemaVersion == Migration.embedded.map(\.version).max())
        let second = try MigrationRunner.run(on: connection)
        #expect(second.applied.isEmpty)
        #expect(second.schemaVersion == first.schemaVersion)

        let tables = try connection.simpleQuery(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1").rows.map { try $0.string(0) }
        for table in Self.seedTables { #expect(tables.contains(table), "table \(table)") }
        let indexes = try connection.simpleQuery("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'").rows.map { try $0.string(0) }
        for index in Self.seedIndexes { #expect(indexes.contains(index), "index \(index)") }
    }

    @Test func everyForeignKeyHasAnIndexLedByIt() throws {
        let connection = try PGConnection(connectionString: try TestDatabase.create())
        _ = try MigrationRunner.run(on: connection)
        let unindexed = try connection.simpleQuery("""
            SELECT c.conrelid::regclass::text || '.' || a.attname
            FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            WHERE c.contype = 'f' AND NOT EXISTS (
                SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])
            """).rows.map { try $0.string(0) }
        #expect(unindexed.isEmpty, "foreign keys without an index: \(unindexed)")
    }

    @Test func changedAppliedMigrationRefusesToStart() throws {
        let connection = try PGConnection(connectionString: try TestDatabase.create())
        _ = try MigrationRunner.run(on: connection)
        var edited = Migration.embedded
        edited[0] = Migration(version: edited[0].version, name: edited[0].name, sql: edited[0].sql + "\n-- edited")
        #expect {
            _ = try MigrationRunner.run(on: connection, migrations: edited)
        } throws: { error in
            (error as? StoreError)?.kind == .failedPrecondition && "\(error)".contains(edited[0].name)
        }
    }

    @Test func failingMigrationLeavesNothingBehind() throws {
        let connection = try PGConnection(connectionString: try TestDatabase.create())
        let broken = [Migration(version: 1, name: "001_broken", sql: "CREATE TABLE half_done (id int); SELECT no_such_function();")]
        #expect(throws: StoreError.self) { _ = try MigrationRunner.run(on: connection, migrations: broken) }
        #expect(try connection.simpleQuery("SELECT to_regclass('half_done') IS NULL").first?.bool(0) == true)
        #expect(try connection.simpleQuery("SELECT count(*) FROM schema_migrations").first?.int(0) == 0)
    }

    @Test func concurrentStartsApplyEachMigrationOnce() async throws {
        let connectionString = try TestDatabase.create()
        async let a = Store.open(ConnectionPool.Configuration(connectionString: connectionString, size: 1))
        async let b = Store.open(ConnectionPool.Configuration(connectionString: connectionString, size: 1))
        let (storeA, storeB) = try await (a, b)
        #expect(storeA.schemaVersion == storeB.schemaVersion)
        let rows = try await storeA.pool.withConnection { try $0.simpleQuery("SELECT version FROM schema_migrations").rows.count }
        #expect(rows == Migration.embedded.count)
        await storeA.shutdown()
        await storeB.shutdown()
    }
}
