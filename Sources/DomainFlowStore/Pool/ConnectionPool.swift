import DequeModule
import DomainFlowEventLoop
import NIOConcurrencyHelpers
import NIOPosix
import Synchronization

/// A fixed-size pool of PostgreSQL connections. Callers wait asynchronously, in order,
/// for a free connection (UNAVAILABLE after `leaseTimeout`); the work itself runs on a
/// dedicated thread pool, never on an event loop or Swift's cooperative pool. A connection
/// found broken after use is closed and replaced, with every statement prepared again.
/// Single-statement reads (`read`) go instead to connections of their own in pipeline mode, each driven by an
/// event loop, where concurrent calls share round trips.
public final class ConnectionPool: Sendable {
    public struct Configuration: Sendable {
        public var connectionString: String
        /// Connections at most (default 4: twice the cores of the reference machine).
        public var size: Int
        /// How long a caller waits for a free connection before UNAVAILABLE.
        public var leaseTimeout: Duration
        /// Statements prepared on every new connection.
        public var statements: [Statement]
        /// Connections in pipeline mode for `read`, beside the pool's `size` (0: reads take a pooled connection).
        public var pipelinedReaders: Int
        /// The event loops the pipelined connections run on (connection i on loop i mod their number), lent by the
        /// server so that a read made on one of them is sent and answered there; their owner stops them after the
        /// store. Nil: the pool starts a loop of its own for each pipelined connection.
        public var loops: EpollEventLoopGroup?

        public init(connectionString: String, size: Int = 4, leaseTimeout: Duration = .seconds(5),
                    statements: [Statement] = StatementRegistry.all, pipelinedReaders: Int = 1,
                    loops: EpollEventLoopGroup? = nil) {
            self.connectionString = connectionString
            self.size = max(1, size)
            self.leaseTimeout = leaseTimeout
            self.statements = statements
            self.pipelinedReaders = max(0, pipelinedReaders)
            self.loops = loops
        }
    }

    /// What a caller got from the pool: a connection, or the right to open one.
    private enum Lease: Sendable {
        case existing(PGConnection)
        case open
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Lease, any Error>
    }

    private struct State {
        var idle: [PGConnection] = []
        /// Connections that exist or are being opened.
        var open = 0
        var leased = 0
        var waiters = Deque<Waiter>()
        var nextWaiterID: UInt64 = 0
        var closed = false
    }

    public let configuration: Configuration
    private let state = NIOLockedValueBox(State())
    private let threads: NIOThreadPool
    private let readers: [PipelinedConnection]
    private let nextReader = Atomic<Int>(0)
    /// The loops the pool started for its pipelined connections (none when it was lent some), stopped at shutdown.
    private let ownLoops: EpollEventLoopGroup?

    public init(configuration: Configuration) {
        self.configuration = configuration
        threads = NIOThreadPool(numberOfThreads: configuration.size)
        threads.start()
        let count = configuration.pipelinedReaders
        ownLoops = count > 0 && configuration.loops == nil ? try? EpollEventLoopGroup(threads: count, name: "df-pg") : nil
        // Without loops (the kernel refused them) the reads take pooled connections.
        let loops = configuration.loops?.loops ?? ownLoops?.loops ?? []
        readers = loops.isEmpty ? [] : (0..<count).map {
            PipelinedConnection(loop: loops[$0 % loops.count], connectionString: configuration.connectionString,
                                statements: configuration.statements)
        }
    }

    deinit {
        // A pool released without `shutdown`: its own loops end (and close their connections) all the same.
        for loop in ownLoops?.loops ?? [] { loop.requestStop() }
    }

    /// Pool size, connections in use, callers waiting.
    public var statistics: (size: Int, inUse: Int, waiters: Int) {
        state.withLockedValue { (configuration.size, $0.leased, $0.waiters.count) }
    }

    /// Statements run by `read` on the pipelined connections, and the round trips they took.
    public var pipelineStatistics: (statements: Int, roundTrips: Int) {
        readers.reduce((0, 0)) { ($0.0 + $1.statementsRun.load(ordering: .relaxed), $0.1 + $1.roundTrips.load(ordering: .relaxed)) }
    }

    /// Runs `body` with a connection of its own, on the pool's threads. With `retryTransient`
    /// (only for idempotent work) a connection loss, serialization failure or deadlock is retried twice.
    public func withConnection<T: Sendable>(retryTransient: Bool = false,
                                            _ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T {
        try await Self.attempts(retryTransient: retryTransient) { try await runOnce(body) }
    }

    /// Runs `body`; with `retryTransient`, a transient failure (connection loss, serialization failure,
    /// deadlock) is tried again twice, after 50 and 100 ms.
    private static func attempts<T>(retryTransient: Bool, _ body: () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await body()
            } catch let error as StoreError where retryTransient && error.isTransient && attempt < 3 {
                try await Task.sleep(for: .milliseconds(50 * attempt))
            }
        }
    }

    /// Runs one statement that reads (or writes, alone and idempotently, when `retryTransient`) and decodes its
    /// result on the store's thread. Concurrent calls share round trips on the pipelined connections: the fast
    /// path of the unary reads. With `retryTransient` a lost connection is retried twice, as `withConnection` does.
    func read<T: Sendable>(_ statement: Statement, _ parameters: [PGValue?], retryTransient: Bool = false,
                                  _ decode: @escaping @Sendable (QueryResult) throws -> T) async throws -> T {
        guard !readers.isEmpty else {
            return try await withConnection(retryTransient: retryTransient) { c in try decode(try c.execute(statement, parameters)) }
        }
        return try await Self.attempts(retryTransient: retryTransient) {
            // The connection of the caller's own loop when there is one (no other thread is woken), else the next.
            let reader = readers.first { $0.loop.inEventLoop }
                ?? readers[nextReader.wrappingAdd(1, ordering: .relaxed).oldValue % readers.count]
            return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                reader.submit(.init(statement: statement, parameters: parameters) { result in
                    continuation.resume(with: Result { try decode(try result.get()) })
                })
            }
        }
    }

    /// Runs `body` inside BEGIN/COMMIT; any error rolls back.
    public func withTransaction<T: Sendable>(retryTransient: Bool = false,
                                             _ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T {
        try await withConnection(retryTransient: retryTransient) { connection in
            try connection.transaction { try body(connection) }
        }
    }

    private func runOnce<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T {
        let lease = try await acquire()
        let configuration = self.configuration
        let outcome: (Result<T, any Error>, PGConnection?) = try await threads.runIfActive {
            var connection: PGConnection
            switch lease {
            case .existing(let existing): connection = existing
            case .open:
                do { connection = try Self.openConnection(configuration) }
                catch { return (.failure(error), nil) }
            }
            if !connection.isHealthy {
                do { connection = try Self.openConnection(configuration) }
                catch { return (.failure(error), nil) }
            }
            let result = Result { try body(connection) }
            return (result, connection.isHealthy ? connection : nil)
        }
        release(outcome.1)
        return try outcome.0.get()
    }

    private static func openConnection(_ configuration: Configuration) throws -> PGConnection {
        let connection = try PGConnection(connectionString: configuration.connectionString)
        for statement in configuration.statements { try connection.prepare(statement) }
        return connection
    }

    private func acquire() async throws -> Lease {
        let leaseTimeout = configuration.leaseTimeout
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Lease, any Error>) in
            let immediate: Result<Lease, StoreError>? = state.withLockedValue { s in
                if s.closed { return .failure(StoreError(kind: .unavailable, message: "the store is shut down")) }
                if let connection = s.idle.popLast() {
                    s.leased += 1
                    return .success(.existing(connection))
                }
                if s.open < configuration.size {
                    s.open += 1
                    s.leased += 1
                    return .success(.open)
                }
                s.nextWaiterID += 1
                let id = s.nextWaiterID
                s.waiters.append(Waiter(id: id, continuation: continuation))
                Task { [weak self] in
                    try? await Task.sleep(for: leaseTimeout)
                    self?.expireWaiter(id)
                }
                return nil
            }
            if let immediate { continuation.resume(with: immediate.mapError { $0 as any Error }) }
        }
    }

    private func expireWaiter(_ id: UInt64) {
        let waiter: Waiter? = state.withLockedValue { s in
            guard let index = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return s.waiters.remove(at: index)
        }
        waiter?.continuation.resume(throwing: StoreError(kind: .unavailable,
            message: "no database connection free within \(configuration.leaseTimeout) (pool of \(configuration.size))"))
    }

    /// Returns a connection (nil: it broke and was dropped) and serves the next waiter.
    private func release(_ connection: PGConnection?) {
        let handOff: (Waiter, Lease)? = state.withLockedValue { s in
            s.leased -= 1
            if connection == nil { s.open -= 1 }
            if s.closed {
                if connection != nil { s.open -= 1 }
                return nil
            }
            guard let waiter = s.waiters.popFirst() else {
                if let connection { s.idle.append(connection) }
                return nil
            }
            s.leased += 1
            if let connection { return (waiter, .existing(connection)) }
            s.open += 1
            return (waiter, .open)
        }
        if let (waiter, lease) = handOff { waiter.continuation.resume(returning: lease) }
    }

    /// Closes idle connections, fails waiters, and stops the threads; leased connections close when returned.
    public func shutdown() async {
        let (idle, waiters) = state.withLockedValue { s in
            s.closed = true
            defer { s.idle.removeAll(); s.waiters.removeAll() }
            s.open -= s.idle.count
            return (s.idle, Array(s.waiters))
        }
        _ = idle  // PQfinish runs as they are released here
        for waiter in waiters {
            waiter.continuation.resume(throwing: StoreError(kind: .unavailable, message: "the store is shutting down"))
        }
        for reader in readers { await reader.shutdown() }
        await ownLoops?.stop()
        try? await threads.shutdownGracefully()
    }
}

extension PGConnection {
    /// Runs `body` inside BEGIN/COMMIT; any error rolls back and is rethrown.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        _ = try simpleQuery("BEGIN")
        do {
            let result = try body()
            _ = try simpleQuery("COMMIT")
            return result
        } catch {
            _ = try? simpleQuery("ROLLBACK")
            throw error
        }
    }
}
