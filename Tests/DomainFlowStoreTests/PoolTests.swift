import DomainFlowStore
import Dispatch
import DomainFlowTestSupport
import NIOConcurrencyHelpers
import Testing

@Suite struct PoolTests {
    /// Polls `condition` until it holds (bounded: fails after 10 s rather than hanging).
    private func eventually(_ what: String, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw StoreError(kind: .internal, message: "timed out: \(what)") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test func waitersAreServedInArrivalOrder() async throws {
        let store = try await TestDatabase.store(size: 1, leaseTimeout: .seconds(30))
        let order = NIOLockedValueBox<[Int]>([])
        let release = DispatchSemaphore(value: 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.pool.withConnection { _ in release.wait() } }  // holds the only connection
            try await eventually("the holder to get the connection") { store.pool.statistics.inUse == 1 }
            for i in 1...5 {
                group.addTask {
                    try await store.pool.withConnection { _ in order.withLockedValue { $0.append(i) } }
                }
                try await eventually("caller \(i) to wait") { store.pool.statistics.waiters == i }
            }
            release.signal()
            try await group.waitForAll()
        }
        #expect(order.withLockedValue { $0 } == [1, 2, 3, 4, 5])
        #expect(store.pool.statistics.inUse == 0)
        await store.shutdown()
    }

    @Test func waitPastTimeoutIsUnavailableAndNothingDeadlocks() async throws {
        let store = try await TestDatabase.store(size: 2, leaseTimeout: .milliseconds(150))
        let release = DispatchSemaphore(value: 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<2 {
                group.addTask { try await store.pool.withConnection { _ in release.wait() } }
            }
            try await eventually("both connections to be taken") { store.pool.statistics.inUse == 2 }
            do {
                try await store.pool.withConnection { _ in }
                Issue.record("a third caller got a connection from a full pool")
            } catch let error as StoreError {
                #expect(error.kind == .unavailable)
            }
            release.signal()
            release.signal()
            try await group.waitForAll()
        }
        // Afterwards, the pool serves normally.
        let one = try await store.pool.withConnection { try $0.simpleQuery("SELECT 1").first?.int(0) }
        #expect(one == 1)
        #expect(store.pool.statistics.waiters == 0)
        await store.shutdown()
    }

    @Test func moreCallersThanConnectionsAllComplete() async throws {
        let store = try await TestDatabase.store(size: 2, leaseTimeout: .seconds(120))  // waiting is the point, not timing
        let total = try await withThrowingTaskGroup(of: Int64.self) { group in
            for i in 0..<40 {
                group.addTask { try await store.pool.withConnection { try $0.simpleQuery("SELECT \(i)").first!.int(0) } }
            }
            return try await group.reduce(0, +)
        }
        #expect(total == (0..<40).reduce(0, +))
        await store.shutdown()
    }

    @Test func sqlStatesMapToKinds() {
        #expect(StoreError.kind(forSQLState: "23505") == .alreadyExists)
        #expect(StoreError.kind(forSQLState: "23514") == .invalidArgument)
        #expect(StoreError.kind(forSQLState: "23502") == .invalidArgument)
        #expect(StoreError.kind(forSQLState: "23503") == .failedPrecondition)
        #expect(StoreError.kind(forSQLState: "40001") == .aborted)
        #expect(StoreError.kind(forSQLState: "40P01") == .aborted)
        #expect(StoreError.kind(forSQLState: "08006") == .unavailable)
        #expect(StoreError.kind(forSQLState: "57P01") == .unavailable)
        #expect(StoreError.kind(forSQLState: "53300") == .resourceExhausted)
        #expect(StoreError.kind(forSQLState: "42601") == .internal)
    }
}
