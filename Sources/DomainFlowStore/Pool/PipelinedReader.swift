import Foundation
import Synchronization

/// One PostgreSQL connection in libpq's pipeline mode, on a thread of its own: the statements submitted
/// while a round trip is out go together in the next one, so that concurrent reads share round trips
/// (and the server's wake-ups) instead of taking a pooled connection each. For single statements outside
/// any transaction; each runs in a transaction of its own. The connection opens at the first statement and
/// closes after a minute without one; the thread ends when the reader is shut down or released.
final class PipelinedReader: Sendable {
    struct Job: Sendable {
        let statement: Statement
        let parameters: [PGValue?]
        /// Called on the reader's thread with the statement's result.
        let complete: @Sendable (Result<QueryResult, StoreError>) -> Void
    }

    /// Statements at most in one round trip.
    static let maxBatch = 64
    /// How long the connection stays open with nothing to do.
    static let idleTimeout: TimeInterval = 60

    private let worker: Worker

    init(connectionString: String, name: String) {
        worker = Worker(connectionString: connectionString)
        let thread = Thread { [worker] in worker.run() }
        thread.name = name
        thread.start()
    }

    deinit { worker.shutdown() }

    /// Statements run and round trips made, for `ConnectionPool.pipelineStatistics`.
    var statementsRun: Int { worker.statementsRun.load(ordering: .relaxed) }
    var roundTrips: Int { worker.roundTrips.load(ordering: .relaxed) }

    /// Queues `job` for the next round trip (it fails with UNAVAILABLE once the reader is shut down).
    func submit(_ job: Job) { worker.submit(job) }

    /// Fails what is queued and ends the thread (after its round trip in progress).
    func shutdown() { worker.shutdown() }
}

/// The reader's queue and its thread's loop; the thread holds this, not the reader, so that a released
/// reader (a pool never shut down) still ends its thread and closes its connection.
private final class Worker: @unchecked Sendable {
    private let connectionString: String
    let statementsRun = Atomic<Int>(0)
    let roundTrips = Atomic<Int>(0)
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var jobs: [PipelinedReader.Job] = []
    private var closed = false

    init(connectionString: String) {
        self.connectionString = connectionString
    }

    func submit(_ job: PipelinedReader.Job) {
        condition.lock()
        if closed {
            condition.unlock()
            job.complete(.failure(StoreError(kind: .unavailable, message: "the store is shut down")))
            return
        }
        jobs.append(job)
        if jobs.count == 1 { condition.signal() }  // the thread waits only when there is nothing queued
        condition.unlock()
    }

    /// The jobs queued now (at most a batch), for a pipeline in flight; none once the reader is closed.
    private func take() -> [PipelinedReader.Job] {
        condition.lock()
        defer { condition.unlock() }
        guard !closed, !jobs.isEmpty else { return [] }
        let batch = Array(jobs.prefix(PipelinedReader.maxBatch))
        jobs.removeFirst(batch.count)
        return batch
    }

    /// `job` as a query of a pipeline, counted when its result comes.
    private func query(_ job: PipelinedReader.Job) -> PGConnection.PipelinedQuery {
        PGConnection.PipelinedQuery(statement: job.statement, parameters: job.parameters) { result in
            self.statementsRun.add(1, ordering: .relaxed)
            job.complete(result)
        }
    }

    func shutdown() {
        condition.lock()
        closed = true
        condition.signal()
        condition.unlock()
    }

    func run() {
        var connection: PGConnection?
        while true {
            condition.lock()
            while jobs.isEmpty && !closed {
                if !condition.wait(until: Date(timeIntervalSinceNow: PipelinedReader.idleTimeout)), jobs.isEmpty {
                    connection = nil  // idle: the connection closes; the next statement opens another
                }
            }
            if closed {
                let rest = jobs
                jobs = []
                condition.unlock()
                for job in rest { job.complete(.failure(StoreError(kind: .unavailable, message: "the store is shutting down"))) }
                return
            }
            let batch = Array(jobs.prefix(PipelinedReader.maxBatch))
            jobs.removeFirst(batch.count)
            condition.unlock()

            if connection?.isHealthy != true {
                connection = nil
                do { connection = try PGConnection(connectionString: connectionString) } catch {
                    for job in batch { job.complete(.failure(error)) }
                    continue
                }
            }
            guard let open = connection else { continue }
            // Each caller is answered as soon as its statement's result is read, and statements submitted meanwhile
            // join the pipeline at once instead of waiting for this round trip to end.
            var pending = batch.map(query)
            while !pending.isEmpty {
                roundTrips.add(1, ordering: .relaxed)
                pending = open.runPipeline(pending) {
                    let joining = self.take().map(self.query)
                    if !joining.isEmpty { self.roundTrips.add(1, ordering: .relaxed) }
                    return joining
                }
            }
        }
    }
}
