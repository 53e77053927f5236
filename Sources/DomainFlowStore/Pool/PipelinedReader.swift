import Foundation
import Glibc
import Synchronization

/// One PostgreSQL connection in libpq's pipeline mode, non-blocking, shared by every caller: a caller sends its
/// statement itself, on its own thread (an event loop), under the reader's lock, and the reader's thread only
/// waits on the connection's socket and reads results as they come, in order. So concurrent reads share round
/// trips (and the server's wake-ups) instead of taking a pooled connection each, and a statement goes out
/// without waking a thread first. For single statements outside any transaction; each runs in a transaction of
/// its own. The connection opens at the first statement and closes after a minute without one; the thread ends
/// when the reader is shut down or released.
final class PipelinedReader: Sendable {
    struct Job: Sendable {
        let statement: Statement
        let parameters: [PGValue?]
        /// Called on the reader's thread with the statement's result.
        let complete: @Sendable (Result<QueryResult, StoreError>) -> Void
    }

    /// How long the connection stays open with nothing to do.
    static let idleTimeout: TimeInterval = 60

    private let worker: Worker

    /// `statements` are prepared when the connection opens; others in the pipeline at their first use.
    init(connectionString: String, statements: [Statement], name: String) {
        worker = Worker(connectionString: connectionString, statements: statements)
        let thread = Thread { [worker] in worker.run() }
        thread.name = name
        thread.start()
    }

    deinit { worker.shutdown() }

    /// Statements run, and reads of the socket that answered at least one, for `ConnectionPool.pipelineStatistics`.
    var statementsRun: Int { worker.statementsRun.load(ordering: .relaxed) }
    var roundTrips: Int { worker.roundTrips.load(ordering: .relaxed) }

    /// Sends `job`'s statement now when the connection is open, else queues it for the reader's thread to send
    /// once it is (it fails with UNAVAILABLE once the reader is shut down).
    func submit(_ job: Job) { worker.submit(job) }

    /// Fails what is queued and in flight and ends the thread.
    func shutdown() { worker.shutdown() }
}

/// The reader's connection, queues and thread; the thread holds this, not the reader, so that a released
/// reader (a pool never shut down) still ends its thread and closes its connection.
private final class Worker: @unchecked Sendable {
    private let connectionString: String
    private let statements: [Statement]
    let statementsRun = Atomic<Int>(0)
    let roundTrips = Atomic<Int>(0)
    /// Wakes the thread from `poll`: for a job with no connection to go on, output left to flush, shutdown.
    private let wakeRead: Int32
    private let wakeWrite: Int32

    private let lock = NSLock()
    // Guarded by `lock` (libpq calls on `connection` included):
    private var connection: PGConnection?
    /// Sent, unanswered, in the order their results come.
    private var inFlight: [PipelinedReader.Job] = []
    private var inFlightHead = 0
    private var reading = PGConnection.PipelineReadState()
    /// Submitted while no connection was open (or it was being opened); sent once it is.
    private var waiting: [PipelinedReader.Job] = []
    /// The connection failed while sending or flushing: the thread replaces it.
    private var broken = false
    private var flushPending = false
    /// Statements queued but not flushed, to go in one write when the next result is read.
    private var corked = false
    private var closed = false

    init(connectionString: String, statements: [Statement]) {
        self.connectionString = connectionString
        self.statements = statements
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        }
        (wakeRead, wakeWrite) = (fds[0], fds[1])
    }

    deinit {
        close(wakeRead)
        close(wakeWrite)
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    func submit(_ job: PipelinedReader.Job) {
        lock.lock()
        if closed {
            lock.unlock()
            job.complete(.failure(StoreError(kind: .unavailable, message: "the store is shut down")))
            return
        }
        var needsWake = false
        if let connection, !broken {
            if connection.sendPipelined(job.statement, job.parameters) {
                let busy = inFlightHead < inFlight.count
                inFlight.append(job)
                // While the server works on earlier statements, this one waits to go with the others sent meanwhile,
                // in one write when the thread reads the next result; to an idle server it goes at once.
                if busy { corked = true } else { needsWake = flush(connection) }
            } else {
                broken = true  // the thread fails what is in flight; this one goes on the next connection
                waiting.append(job)
                needsWake = true
            }
        } else {
            waiting.append(job)
            needsWake = waiting.count == 1
        }
        lock.unlock()
        if needsWake { wake() }
    }

    func shutdown() {
        lock.lock()
        closed = true
        lock.unlock()
        wake()
    }

    /// Sends what is queued on `connection` (with the lock held): output left over waits for the socket to take it
    /// (`flushPending`), a failure marks the connection broken. True when the thread must wake to see either.
    private func flush(_ connection: PGConnection) -> Bool {
        let outcome = connection.flush()
        flushPending = outcome == .more
        if outcome == .failed { broken = true }
        return outcome != .done
    }

    /// Takes the jobs in flight (their connection is gone), resetting the read state.
    private func takeInFlight() -> [PipelinedReader.Job] {
        let jobs = Array(inFlight[inFlightHead...])
        inFlight = []
        inFlightHead = 0
        reading = PGConnection.PipelineReadState()
        corked = false
        return jobs
    }

    /// Opens a connection (without the lock held: senders queue meanwhile), prepares the known statements and
    /// enters pipeline mode; then sends what waited. Jobs that cannot go on fail.
    private func reconnect() -> [(PipelinedReader.Job, Result<QueryResult, StoreError>)] {
        lock.unlock()
        let opened = Result { () throws(StoreError) -> PGConnection in
            let connection = try PGConnection(connectionString: connectionString)
            for statement in statements { try connection.prepare(statement) }
            try connection.enterNonBlockingPipeline()
            return connection
        }
        lock.lock()
        switch opened {
        case .failure(let error):
            let failed = waiting.map { ($0, Result<QueryResult, StoreError>.failure(error)) }
            waiting = []
            return failed
        case .success(let open):
            connection = open
            broken = false
            flushPending = false
            let jobs = waiting
            waiting = []
            for job in jobs {
                guard open.sendPipelined(job.statement, job.parameters) else { broken = true; waiting.append(job); continue }
                inFlight.append(job)
            }
            _ = flush(open)
            return []
        }
    }

    func run() {
        var idleSince = Date()
        while true {
            var finished: [(PipelinedReader.Job, Result<QueryResult, StoreError>)] = []
            lock.lock()
            if closed {
                let rest = takeInFlight() + waiting
                waiting = []
                connection = nil
                lock.unlock()
                for job in rest { job.complete(.failure(StoreError(kind: .unavailable, message: "the store is shutting down"))) }
                return
            }
            if connection != nil, broken || connection?.isHealthy != true {
                let lost = StoreError(kind: .unavailable, message: "the connection to PostgreSQL was lost")
                finished += takeInFlight().map { ($0, .failure(lost)) }
                connection = nil
            }
            if connection == nil, !waiting.isEmpty { finished += reconnect() }
            let socket = connection?.socket ?? -1
            let wantsWrite = flushPending
            let idle = inFlightHead == inFlight.count && waiting.isEmpty
            lock.unlock()
            complete(finished)
            finished = []
            if !idle { idleSince = Date() }

            var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: socket, events: Int16(POLLIN) | (wantsWrite ? Int16(POLLOUT) : 0), revents: 0)]
            let timeout: Int32 = idle ? 1000 : -1
            let ready = poll(&fds, socket >= 0 ? 2 : 1, timeout)
            if fds[0].revents != 0 {
                var drain = [UInt8](repeating: 0, count: 64)
                while read(wakeRead, &drain, drain.count) > 0 {}
            }
            lock.lock()
            if ready == 0, idle, connection != nil, Date().timeIntervalSince(idleSince) > PipelinedReader.idleTimeout,
               inFlightHead == inFlight.count, waiting.isEmpty {
                connection = nil  // idle: the connection closes; the next statement opens another
            }
            if let connection, !broken, socket >= 0, socket == connection.socket {
                if fds[1].revents & Int16(POLLOUT) != 0, flushPending { _ = flush(connection) }
                if fds[1].revents != 0 {
                    if !connection.consumeInput() { broken = true }
                    while inFlightHead < inFlight.count {
                        let job = inFlight[inFlightHead]
                        guard let result = connection.nextPipelinedResult(&reading, context: job.statement.name) else { break }
                        inFlightHead += 1
                        finished.append((job, result))
                    }
                    if corked {
                        corked = false
                        _ = flush(connection)
                    }
                    if inFlightHead > 256, inFlightHead * 2 > inFlight.count {
                        inFlight.removeFirst(inFlightHead)
                        inFlightHead = 0
                    }
                }
            }
            lock.unlock()
            if !finished.isEmpty {
                roundTrips.add(1, ordering: .relaxed)
                statementsRun.add(finished.count, ordering: .relaxed)
            }
            complete(finished)
        }
    }

    private func complete(_ finished: [(PipelinedReader.Job, Result<QueryResult, StoreError>)]) {
        for (job, result) in finished { job.complete(result) }
    }
}
