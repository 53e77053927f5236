import DomainFlowStore
import Foundation

/// A fresh, empty database on the test cluster that `Scripts/test` starts, one per test.
public enum TestDatabase {
    /// The test cluster's admin connection string (keyword/value form). Tests that need a
    /// database fail, never skip, without it: run them through `Scripts/test`.
    public static func adminConnectionString() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["DOMAINFLOW_TEST_DATABASE_URL"], !url.isEmpty else {
            throw StoreError(kind: .unavailable, message:
                "DOMAINFLOW_TEST_DATABASE_URL is not set: run the tests with Scripts/test, which starts PostgreSQL")
        }
        return url
    }

    /// Creates an empty database and returns its connection string.
    public static func create() throws -> String {
        let admin = try adminConnectionString()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let connection = try PGConnection(connectionString: admin)
        try connection.createDatabase(String(name))
        return admin + " dbname=\(name)"
    }

    /// A store on a fresh database, migrations applied.
    public static func store(size: Int = 4, leaseTimeout: Duration = .seconds(5), pipelinedReaders: Int = 1) async throws -> Store {
        let connectionString = try create()
        return try await Store.open(ConnectionPool.Configuration(connectionString: connectionString, size: size,
                                                                 leaseTimeout: leaseTimeout, pipelinedReaders: pipelinedReaders))
    }
}
