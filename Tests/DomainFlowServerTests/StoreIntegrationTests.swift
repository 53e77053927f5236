import DomainFlowServer
import DomainFlowStore
import DomainFlowTestSupport
import DomainFlowWire
@testable import DomainFlowServer
import Testing

@Suite struct StoreIntegrationTests {
    @Test func serverInfoReportsStoreHealth() async throws {
        try await AuthHarness.with { h in
            let client = try await h.admin()
            let info = try await client.unary(Methods.serverInfo, .init())
            let health = try #require(info.store)
            #expect(health.poolSize == UInt32(h.store.pool.configuration.size))
            #expect(health.waiters == 0)
            #expect(health.schemaVersion == UInt32(Migration.embedded.map(\.version).max()!))
            #expect(health.databaseVersion.contains("."))
            await client.close()
        }
    }

    @Test func storeErrorsBecomeStatusesWithTheConstraintsMeaning() {
        let duplicate = StoreError(kind: .alreadyExists, sqlState: "23505", constraint: "users_username_key",
                                   message: "duplicate key value violates unique constraint \"users_username_key\"")
        #expect(RPCError.from(duplicate) == RPCError(.alreadyExists, "a user with this username already exists"))
        let port = StoreError(kind: .invalidArgument, sqlState: "23514", constraint: "proxies_port_range", message: "x")
        #expect(RPCError.from(port).code == .invalidArgument)
        #expect(RPCError.from(port).message.contains("65535"))
        let down = StoreError(kind: .unavailable, message: "server closed the connection unexpectedly")
        #expect(RPCError.from(down).code == .unavailable)
        let bug = StoreError(kind: .internal, sqlState: "42601", message: "syntax error at or near \"SELEC\"")
        #expect(RPCError.from(bug) == RPCError(.internal, "internal database error"), "no SQL detail leaks to clients")
    }
}
