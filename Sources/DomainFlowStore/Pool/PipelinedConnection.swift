import CLinuxEvents
import DequeModule
import DomainFlowEventLoop
import Foundation
import NIOCore
import Synchronization

/// One PostgreSQL connection in libpq's pipeline mode, non-blocking, driven by one event loop's epoll: a statement
/// is sent on the loop (at once when the caller is on it, as the server's handler tasks are), its result read there
/// when the socket has it, and its caller resumed there, so a read made by a call on this loop wakes no other thread.
/// Concurrent statements share round trips: one sent while the server works on others waits for the next result and
/// goes out with every statement queued meanwhile, in one write. For single statements outside any transaction; each
/// runs in a transaction of its own. The connection opens at the first statement (off the loop: `PQconnectdb`
/// blocks), closes after a minute without one, and is replaced when it breaks (what was in flight fails UNAVAILABLE).
final class PipelinedConnection: LoopSocket, @unchecked Sendable {
    struct Job: Sendable {
        let statement: Statement
        let parameters: [PGValue?]
        /// Called on the loop's thread with the statement's result.
        let complete: @Sendable (Result<QueryResult, StoreError>) -> Void
    }

    /// How long the connection stays open with nothing to do.
    static let idleTimeout = TimeAmount.seconds(60)

    let loop: EpollEventLoop
    private let connectionString: String
    private let statements: [Statement]
    let statementsRun = Atomic<Int>(0)
    let roundTrips = Atomic<Int>(0)

    // The loop's thread only:
    private var connection: PGConnection?
    private var token: UInt64 = 0
    private var watchesWrites = false
    /// Sent, unanswered, in the order their results come.
    private var inFlight = Deque<Job>()
    private var reading = PGConnection.PipelineReadState()
    /// Submitted while no connection was open (or it was being opened); sent once it is.
    private var waiting: [Job] = []
    private var connecting = false
    /// Statements queued but not flushed, to go in one write when the next result is read.
    private var corked = false
    private var closed = false
    private var lastUsed = NIODeadline.now()
    private var idleCheck: Scheduled<Void>?

    /// `statements` are prepared when the connection opens; others in the pipeline at their first use.
    init(loop: EpollEventLoop, connectionString: String, statements: [Statement]) {
        self.loop = loop
        self.connectionString = connectionString
        self.statements = statements
    }

    /// Sends `job`'s statement: now when called on the loop with the connection open, else on the loop's next turn
    /// (or once the connection is open). Fails UNAVAILABLE once the connection is shut down.
    func submit(_ job: Job) {
        if loop.inEventLoop { send(job); return }
        if !loop.submit({ self.send(job) }) { job.complete(.failure(Self.shutDown)) }
    }

    /// Fails what is queued and in flight and closes the connection; returns once it has.
    func shutdown() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            if !loop.submit({ self.close(); done.resume() }) { done.resume() }
        }
    }

    private static let shutDown = StoreError(kind: .unavailable, message: "the store is shut down")

    // MARK: on the loop

    private func send(_ job: Job) {
        guard !closed else { return job.complete(.failure(Self.shutDown)) }
        guard let connection else {
            waiting.append(job)
            open()
            return
        }
        lastUsed = .now()
        guard connection.sendPipelined(job.statement, job.parameters) else {
            waiting.append(job)  // it goes on the next connection; what was in flight on this one fails
            lose()
            return
        }
        let busy = !inFlight.isEmpty
        inFlight.append(job)
        // While the server works on earlier statements, this one waits to go with the others sent meanwhile, in one
        // write when the next result is read; to an idle server it goes at once.
        if busy { corked = true } else { flush(connection) }
    }

    private func flush(_ connection: PGConnection) {
        switch connection.flush() {
        case .done: watchWrites(false, connection)
        case .more: watchWrites(true, connection)
        case .failed: lose()
        }
    }

    private func watchWrites(_ wanted: Bool, _ connection: PGConnection) {
        guard wanted != watchesWrites else { return }
        watchesWrites = wanted
        loop.modify(token, fd: connection.socket, events: EPOLLIN.rawValue | (wanted ? EPOLLOUT.rawValue : 0))
    }

    func ready(_ events: UInt32) {
        guard let connection else { return }
        if events & EPOLLOUT.rawValue != 0 {
            flush(connection)
            guard self.connection === connection else { return }
        }
        let readable = connection.consumeInput()
        var finished: [(Job, Result<QueryResult, StoreError>)] = []
        while let job = inFlight.first, let result = connection.nextPipelinedResult(&reading, context: job.statement.name) {
            inFlight.removeFirst()
            finished.append((job, result))
        }
        if corked, readable {
            corked = false
            flush(connection)
        }
        if !finished.isEmpty {
            roundTrips.add(1, ordering: .relaxed)
            statementsRun.add(finished.count, ordering: .relaxed)
        }
        for (job, result) in finished { job.complete(result) }
        if self.connection === connection, !readable || !connection.isHealthy { lose() }
    }

    /// Drops the connection (deregistered before libpq closes its socket): what was in flight on it fails;
    /// what waits goes on a new one.
    private func lose() {
        let lost = StoreError(kind: .unavailable, message: "the connection to PostgreSQL was lost")
        for job in drop() { job.complete(.failure(lost)) }
        if !waiting.isEmpty { open() }
    }

    /// Deregisters and forgets the connection; returns the jobs that were in flight on it.
    private func drop() -> [Job] {
        if let connection { loop.deregister(token, fd: connection.socket) }
        connection = nil
        watchesWrites = false
        corked = false
        reading = PGConnection.PipelineReadState()
        idleCheck?.cancel()
        idleCheck = nil
        defer { inFlight.removeAll() }
        return Array(inFlight)
    }

    private func close() {
        closed = true
        let rest = drop() + waiting
        waiting = []
        for job in rest { job.complete(.failure(StoreError(kind: .unavailable, message: "the store is shutting down"))) }
    }

    /// Opens a connection on a thread of its own (the loop never blocks), prepares the known statements and enters
    /// pipeline mode; back on the loop, sends what waited, or fails it with the reason the connection did not open.
    private func open() {
        guard !connecting, !closed else { return }
        connecting = true
        let (connectionString, statements) = (connectionString, statements)
        Thread.detachNewThread {
            let opened = Result { () throws(StoreError) -> PGConnection in
                let connection = try PGConnection(connectionString: connectionString)
                for statement in statements { try connection.prepare(statement) }
                try connection.enterNonBlockingPipeline()
                return connection
            }
            self.loop.submit { self.opened(opened) }  // a stopped loop: the connection closes as it is released
        }
    }

    private func opened(_ opened: Result<PGConnection, StoreError>) {
        connecting = false
        let jobs = waiting
        waiting = []
        let open: PGConnection
        switch opened {
        case .failure(let error):
            for job in jobs { job.complete(.failure(closed ? Self.shutDown : error)) }
            return
        case .success(let connection): open = connection
        }
        guard !closed else { return }
        guard let token = loop.register(self, fd: open.socket, events: EPOLLIN.rawValue) else {
            let error = StoreError(kind: .unavailable, message: "cannot watch the PostgreSQL connection: \(String(cString: strerror(errno)))")
            for job in jobs { job.complete(.failure(error)) }
            return
        }
        self.token = token
        connection = open
        scheduleIdleCheck(in: Self.idleTimeout)
        for job in jobs { send(job) }
        if corked, let connection {
            corked = false
            flush(connection)
        }
    }

    /// Closes the connection once it has had nothing to do for `idleTimeout`; the next statement opens another.
    private func scheduleIdleCheck(in delay: TimeAmount) {
        idleCheck = loop.scheduleTask(in: delay) { [weak self] in
            guard let self, self.connection != nil else { return }
            let idleFor = NIODeadline.now() - self.lastUsed
            if self.inFlight.isEmpty, self.waiting.isEmpty, idleFor >= Self.idleTimeout {
                _ = self.drop()
            } else {
                self.scheduleIdleCheck(in: max(.milliseconds(1), Self.idleTimeout - idleFor))
            }
        }
    }
}
