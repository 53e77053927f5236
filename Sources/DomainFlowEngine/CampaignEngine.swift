import DomainFlowCore
import DomainFlowStore
import Foundation
import Logging

/// Runs campaigns: workers lease batches through the database (FOR UPDATE SKIP LOCKED, with a lease expiry
/// and a holder id), hand each to its campaign type's `CampaignPhase`, and write what it produced in the
/// transaction that marks the batch done and adds its progress. Several servers on one database share the
/// work; a crashed worker's batch is leased again once its lease expires. A follow-on's batch is leased as
/// soon as its source's batch of the same index is done, so phases overlap. Every status change goes
/// through `CampaignLifecycle`. Pause and cancel take effect at the next batch boundary.
public final class CampaignEngine: Sendable {
    public struct Configuration: Sendable {
        /// Concurrent workers in this process.
        public var workers = 2
        /// How long a leased batch stays with its holder before others may take it.
        public var leaseDuration: Duration = .seconds(30)
        /// Pause between looks for work when there is none.
        public var idlePoll: Duration = .milliseconds(200)
        /// Names per batch for new campaigns.
        public var batchSize = 5_000
        /// The URL fetched through a proxy to check it, and the check's timeout (the server sets them from its
        /// --proxy-check-url and --proxy-check-timeout).
        public var proxyCheckURL = URL(string: "https://www.example.com/")!
        public var proxyCheckTimeout: Duration = .seconds(10)
        /// How often proxies marked unhealthy during campaigns are checked again.
        public var proxyRecheckInterval: Duration = .seconds(30)
        /// This process's name on its leases.
        public var holderID = "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UUID().uuidString.prefix(8))"

        public init() {}
    }

    public let configuration: Configuration
    private let store: Store
    private let logger: Logger
    private let phases: [String: any CampaignPhase]
    private let recheck: ProxyRecheck

    /// The campaign types this engine runs.
    public var campaignTypes: [String] { phases.keys.sorted() }

    /// `unseal` opens proxies' sealed passwords (the server's key); without one, proxies with passwords are skipped.
    public init(store: Store, configuration: Configuration = Configuration(), logger: Logger, phases: [any CampaignPhase]? = nil,
                unseal: @escaping @Sendable (String) throws -> String = { _ in throw PermanentPhaseError("no secret key") }) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        let all = phases ?? [GenerationPhase(), DNSValidationPhase(store: store, logger: logger),
                             HTTPKeywordPhase(store: store, logger: logger, unseal: unseal)]
        self.phases = Dictionary(all.map { ($0.campaignType, $0) }, uniquingKeysWith: { first, _ in first })
        recheck = ProxyRecheck(store: store, logger: logger, checkURL: configuration.proxyCheckURL,
                               timeout: configuration.proxyCheckTimeout, interval: configuration.proxyRecheckInterval, unseal: unseal)
    }

    /// Runs the workers until the calling task is cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<max(1, configuration.workers) {
                group.addTask { await self.workerLoop(worker) }
            }
            group.addTask { await self.recheck.run() }
        }
    }

    private func workerLoop(_ worker: Int) async {
        // Consecutive failures (a database that is down): the wait doubles up to 5 s, and one line is
        // logged when failures start, another when they end, instead of one per attempt.
        var failures = 0
        while !Task.isCancelled {
            var pause = configuration.idlePoll
            do {
                let leased = try await runOneBatch(beginQueued: worker == 0)
                if failures > 0 {
                    logger.notice("campaign worker recovered", metadata: ["worker": "\(worker)", "failed_attempts": "\(failures)"])
                    failures = 0
                }
                if leased { continue }
            } catch is CancellationError {
                return
            } catch {
                if failures == 0 {
                    logger.warning("campaign worker error; retrying with backoff", metadata: ["worker": "\(worker)", "error": "\(error)"])
                }
                failures += 1
                pause = min(.seconds(5), configuration.idlePoll * (1 << min(failures, 10)))
            }
            try? await Task.sleep(for: pause)
        }
    }

    /// Leases and completes one batch; false when there was none to lease.
    func runOneBatch(beginQueued: Bool) async throws -> Bool {
        let holder = configuration.holderID
        let leaseSeconds = Double(configuration.leaseDuration.components.seconds)
        let types = campaignTypes
        let lease = try await store.pool.withConnection(retryTransient: true) { c -> LeasedBatch? in
            if beginQueued {
                try c.transaction {
                    for id in try c.run(Campaigns.queued(ofTypes: types)) {
                        try CampaignLifecycle.applyIfAllowed(c, id, .begin)
                    }
                }
            }
            return try c.run(Batches.lease(holder: holder, seconds: leaseSeconds, typeNames: types))
        }
        guard let lease, let phase = phases[lease.campaignType] else { return false }
        let output: BatchOutput
        do {
            output = try await phase.process(lease)
        } catch let error as PermanentPhaseError {
            _ = try await store.pool.withTransaction { c in
                try CampaignLifecycle.applyIfAllowed(c, lease.campaignID, .fail, message: error.description)
            }
            return true
        } catch let error as PausePhaseError {
            logger.warning("campaign paused", metadata: ["campaign": "\(lease.campaignID)", "reason": "\(error)"])
            _ = try await store.pool.withTransaction { c in
                try CampaignLifecycle.applyIfAllowed(c, lease.campaignID, .pause, message: error.description)
                try c.run(Batches.releaseLease(campaign: lease.campaignID, batch: lease.batchIndex, holder: holder))
            }
            return true
        }
        try Task.checkCancellation()
        let campaign = lease.campaignID
        let counts = String(decoding: try JSONEncoder().encode(output.outcomeCounts), as: UTF8.self)
        let writeStart = ContinuousClock.now
        let wrote = try await store.pool.withTransaction { c -> Bool in
            // The lease may have expired and gone to another worker: then this batch is theirs.
            guard try c.run(Batches.confirmLease(campaign: campaign, batch: lease.batchIndex, holder: holder)) else {
                return false
            }
            // A batch's commit need not wait for the WAL flush: if PostgreSQL loses the last commits in a crash, it
            // loses each batch whole (rows, done mark and progress together), and the batch is leased and done again.
            try c.run(Batches.skipFlushWait())
            try output.write(c)
            try c.run(Batches.finish(campaign: campaign, batch: lease.batchIndex, holder: holder))
            try c.run(Batches.addProgress(campaign: campaign, processed: output.processed, skipped: output.skipped,
                                          outcomeCounts: counts, queriesSent: output.queriesSent))
            if try c.run(Batches.allDone(campaign: campaign)) {
                try CampaignLifecycle.applyIfAllowed(c, lease.campaignID, .complete)
            }
            return true
        }
        if !wrote { logger.notice("lost a batch lease to another worker", metadata: ["campaign": "\(lease.campaignID)"]) }
        logger.debug("batch written", metadata: ["type": "\(lease.campaignType)", "batch": "\(lease.batchIndex)",
                                                 "ms": "\((ContinuousClock.now - writeStart).wholeMilliseconds)"])
        return true
    }
}
