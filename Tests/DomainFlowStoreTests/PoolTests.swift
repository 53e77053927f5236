@testable import DomainFlowStore
import Dispatch
import DomainFlowEventLoop
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

    @Test func pipelinedReadsShareRoundTripsYetEachStandsAlone() async throws {
        let store = try await TestDatabase.store(pipelinedReaders: 2)
        let double = Statement("test_double", "SELECT $1::int * 2")
        let inverse = Statement("test_inverse", "SELECT 100 / $1::int")
        try await withThrowingTaskGroup(of: (Int, Result<Int64, StoreError>).self) { group in
            for i in 0..<300 {
                group.addTask {
                    do {
                        let failing = i % 10 == 0  // division by zero, between reads that succeed in the same round trips
                        let value = try await store.pool.read(failing ? inverse : double, [.int(failing ? 0 : i)]) { try $0.first!.int(0) }
                        return (i, .success(value))
                    } catch let error as StoreError {
                        return (i, .failure(error))
                    }
                }
            }
            for try await (i, result) in group {
                switch result {
                case .success(let value): #expect(i % 10 != 0 && value == Int64(2 * i))
                case .failure(let error): #expect(i % 10 == 0 && error.sqlState == "22012", "\(i): \(error)")
                }
            }
        }
        let (statements, roundTrips) = store.pool.pipelineStatistics
        #expect(statements == 300 && roundTrips < statements, "concurrent reads shared round trips: \(roundTrips) for \(statements)")
        await store.shutdown()
    }

    @Test func aPipelinedReaderWhoseConnectionDiesReconnects() async throws {
        let store = try await TestDatabase.store(pipelinedReaders: 2)
        let backend = Statement("test_backend_pid", "SELECT pg_backend_pid()")
        func pids(retry: Bool) async throws -> Set<Int64> {
            var pids = Set<Int64>()
            for _ in 0..<4 { pids.insert(try await store.pool.read(backend, [], retryTransient: retry) { try $0.first!.int(0) }) }
            return pids
        }
        let before = try await pids(retry: false)
        #expect(before.count == 2, "two pipelined connections, taken in turn")
        func terminateOthers() async throws {
            _ = try await store.pool.withConnection { c in
                try c.simpleQuery("""
                    SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
                    WHERE datname = current_database() AND pid <> pg_backend_pid()
                    """)
            }
        }
        // A statement in flight when its connection dies fails as UNAVAILABLE (retryable), not INTERNAL. It sleeps long
        // (it ends when its backend does): on a loaded machine the termination can come seconds after the poll saw it.
        let slow = Statement("test_slow_backend_pid", "SELECT pg_backend_pid() FROM pg_sleep(60)")
        async let inFlight = store.pool.read(slow, []) { try $0.first!.int(0) }
        let sleeping = Statement("test_sleeping_backends", "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%FROM pg_sleep(60)' AND state = 'active'")
        while try await store.pool.withConnection({ c in try c.execute(sleeping).rows[0].int(0) }) == 0 {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await terminateOthers()
        do {
            _ = try await inFlight
            Issue.record("a read whose connection died under it succeeded")
        } catch let error as StoreError {
            #expect(error.kind == .unavailable, "\(error)")
        }
        // An idle connection that dies is replaced: later reads succeed (or, if one raced the death, fail as UNAVAILABLE).
        try await terminateOthers()
        for _ in 0..<2 {
            do { _ = try await store.pool.read(backend, []) { try $0.first!.int(0) } } catch let error as StoreError {
                #expect(error.kind == .unavailable, "\(error)")
            }
        }
        let after = try await pids(retry: true)
        #expect(after.count == 2 && after.isDisjoint(with: before), "each reader opened a new connection: \(before) then \(after)")
        await store.shutdown()
    }

    @Test func aReadMadeOnALentLoopIsSentAnsweredAndDecodedThereOnItsOwnConnection() async throws {
        let loops = try EpollEventLoopGroup(threads: 2, name: "test-pg")
        var configuration = ConnectionPool.Configuration(connectionString: try TestDatabase.create(), pipelinedReaders: 2,
                                                         loops: loops)
        configuration.statements = []
        let pool = ConnectionPool(configuration: configuration)
        let backend = Statement("test_backend_pid", "SELECT pg_backend_pid()")
        /// The backend that answered a read made on `loop`, and whether the result was decoded on that loop.
        func read(on loop: EpollEventLoop) async throws -> (pid: Int64, onLoop: Bool) {
            try await Task(executorPreference: EventLoopTaskExecutor(loop: loop)) {
                try await pool.read(backend, []) { result in (try result.first!.int(0), loop.inEventLoop) }
            }.value
        }
        var pids: [Int: Set<Int64>] = [:]
        for round in 0..<6 {
            let loop = loops.loops[round % 2]
            let (pid, onLoop) = try await read(on: loop)
            #expect(onLoop, "decoded on the loop that made the read")
            pids[loop.index, default: []].insert(pid)
        }
        #expect(pids[0]?.count == 1 && pids[1]?.count == 1 && pids[0] != pids[1],
                "each loop's reads go to that loop's connection: \(pids)")
        await pool.shutdown()
        do {
            _ = try await read(on: loops.loops[0])
            Issue.record("a read after shutdown succeeded")
        } catch let error as StoreError {
            #expect(error.kind == .unavailable, "\(error)")
        }
        await loops.stop()
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
