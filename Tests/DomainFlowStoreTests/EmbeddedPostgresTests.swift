@testable import DomainFlowStore
import Foundation
import Testing

/// The embedded cluster, and the store's behaviour when PostgreSQL restarts under it.
/// Each test runs its own private cluster, so restarting it disturbs no other test.
@Suite struct EmbeddedPostgresTests {
    private func temporaryDataDirectory() -> String {
        "/tmp/dfpg-\(UUID().uuidString.prefix(8))"
    }

    @Test func firstStartInitialisesAndMigratesSecondStartReuses() async throws {
        let dir = temporaryDataDirectory()
        let cluster = try EmbeddedPostgres(dataDirectory: dir)
        defer { try? cluster.stop(); try? FileManager.default.removeItem(atPath: dir) }
        try cluster.start()
        #expect(cluster.isRunning)
        let store = try await Store.open(ConnectionPool.Configuration(connectionString: cluster.connectionString, size: 2))
        let tables = try await store.pool.withConnection { c in
            try c.simpleQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'").rows.map { try $0.string(0) }
        }
        for table in MigrationTests.seedTables { #expect(tables.contains(table)) }
        // Only a Unix socket: the cluster listens on no TCP port.
        let listen = try await store.pool.withConnection { try $0.simpleQuery("SHOW listen_addresses").first?.string(0) }
        #expect(listen == "")
        await store.shutdown()

        // A second start while it runs (an earlier server's leftover) reuses it, and migrations apply nothing.
        let again = try EmbeddedPostgres(dataDirectory: dir)
        try again.start()
        let second = try await Store.open(ConnectionPool.Configuration(connectionString: again.connectionString, size: 1))
        #expect(second.schemaVersion == store.schemaVersion)
        await second.shutdown()
        var info = stat()
        #expect(stat(dir, &info) == 0 && info.st_mode & 0o777 == 0o700, "data directory is private")
    }

    @Test func restartOfPostgresFailsInFlightCallsCleanlyThenPoolRecovers() async throws {
        let dir = temporaryDataDirectory()
        let cluster = try EmbeddedPostgres(dataDirectory: dir)
        defer { try? cluster.stop(); try? FileManager.default.removeItem(atPath: dir) }
        try cluster.start()
        let store = try await Store.open(ConnectionPool.Configuration(connectionString: cluster.connectionString, size: 2))
        // Warm both connections.
        async let w1: Void = store.pool.withConnection { c in _ = try c.simpleQuery("SELECT pg_sleep(0.05)") }
        async let w2: Void = store.pool.withConnection { c in _ = try c.simpleQuery("SELECT pg_sleep(0.05)") }
        _ = try await (w1, w2)

        // A call in flight while PostgreSQL goes down.
        let inFlight = Task { try await store.pool.withConnection { c in _ = try c.simpleQuery("SELECT pg_sleep(5)") } }
        try await Task.sleep(for: .milliseconds(200))
        try cluster.stop()
        do {
            try await inFlight.value
            Issue.record("call survived a database shutdown")
        } catch let error as StoreError {
            #expect(error.kind == .unavailable, "\(error)")
        }
        // While it is down: UNAVAILABLE, promptly.
        do {
            _ = try await store.pool.withConnection { try $0.run(Users.count()) }
            Issue.record("call succeeded with the database down")
        } catch let error as StoreError {
            #expect(error.kind == .unavailable)
        }
        try cluster.start()
        // Later calls succeed on replaced connections, with every statement prepared.
        for _ in 0..<4 {
            let (count, prepared) = try await store.pool.withConnection(retryTransient: true) { c in
                (try c.run(Users.count()),
                 try c.simpleQuery("SELECT count(*) FROM pg_prepared_statements").first!.int(0))
            }
            #expect(count == 0)
            #expect(prepared >= Int64(StatementRegistry.all.count), "statements re-prepared on the new connection")
        }
        await store.shutdown()
    }
}
