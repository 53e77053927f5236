import Logging

/// DomainFlow's PostgreSQL store: migrations applied, a pool of prepared connections.
public final class Store: Sendable {
    public let pool: ConnectionPool
    public let schemaVersion: Int

    private init(pool: ConnectionPool, schemaVersion: Int) {
        self.pool = pool
        self.schemaVersion = schemaVersion
    }

    /// Connects, applies pending migrations (unless `migrate` is false), and opens the pool.
    public static func open(_ configuration: ConnectionPool.Configuration, migrate: Bool = true,
                            logger: Logger = Logger(label: "domainflow.store")) async throws -> Store {
        // Migrations run on a pool that prepares nothing: the tables the statements name may not exist yet.
        var bootstrapConfiguration = configuration
        bootstrapConfiguration.statements = []
        bootstrapConfiguration.size = 1
        bootstrapConfiguration.pipelinedReaders = 0
        let bootstrap = ConnectionPool(configuration: bootstrapConfiguration)
        let outcome: MigrationRunner.Outcome
        do {
            outcome = try await bootstrap.withConnection { connection in
                if migrate { return try MigrationRunner.run(on: connection, logger: logger) }
                return try MigrationRunner.currentVersion(on: connection)
            }
        } catch {
            await bootstrap.shutdown()
            throw error
        }
        await bootstrap.shutdown()
        let pool = ConnectionPool(configuration: configuration)
        logger.info("store ready", metadata: ["schema_version": "\(outcome.schemaVersion)",
                                              "applied": "\(outcome.applied)", "pool_size": "\(configuration.size)"])
        return Store(pool: pool, schemaVersion: outcome.schemaVersion)
    }

    /// Pool statistics and database identity, for ServerInfoResponse.
    public struct Health: Sendable {
        public let poolSize: Int
        public let inUse: Int
        public let waiters: Int
        public let databaseVersion: String
        public let schemaVersion: Int
    }

    public func health() async throws -> Health {
        let (version, schema) = try await pool.withConnection(retryTransient: true) { connection in
            let row = try connection.execute(StatementRegistry.storeIdentity).first
            return (try row?.string(0) ?? "", Int(try row?.int(1) ?? 0))
        }
        let stats = pool.statistics
        return Health(poolSize: stats.size, inUse: stats.inUse, waiters: stats.waiters,
                      databaseVersion: version, schemaVersion: schema)
    }

    public func shutdown() async {
        await pool.shutdown()
    }
}

extension MigrationRunner {
    /// The highest applied version, applying nothing.
    static func currentVersion(on connection: PGConnection) throws(StoreError) -> Outcome {
        let exists = try connection.simpleQuery("SELECT to_regclass('schema_migrations') IS NOT NULL").first?.bool(0) ?? false
        guard exists else { return Outcome(applied: [], schemaVersion: 0) }
        let version = try connection.simpleQuery("SELECT coalesce(max(version), 0) FROM schema_migrations").first?.int(0) ?? 0
        return Outcome(applied: [], schemaVersion: Int(version))
    }
}
