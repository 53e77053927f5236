import DomainFlowCore
import DomainFlowStore
import Foundation
import Logging

/// Runs campaigns: workers lease batches through the database (FOR UPDATE SKIP LOCKED, with
/// a lease expiry and a holder id), produce their rows, and write them with COPY in the same
/// transaction that marks the batch done and adds its progress. Several servers on one
/// database share the work; a crashed worker's batch is leased again once its lease expires.
/// Pause and cancel take effect at the next batch boundary (only running campaigns are leased).
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
        /// This process's name on its leases.
        public var holderID = "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UUID().uuidString.prefix(8))"

        public init() {}
    }

    public let configuration: Configuration
    private let store: Store
    private let logger: Logger

    public init(store: Store, configuration: Configuration = Configuration(), logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs the workers until the calling task is cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<max(1, configuration.workers) {
                group.addTask { await self.workerLoop(worker) }
            }
        }
    }

    private func workerLoop(_ worker: Int) async {
        while !Task.isCancelled {
            do {
                if try await runOneBatch(beginQueued: worker == 0) { continue }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("campaign worker error", metadata: ["worker": "\(worker)", "error": "\(error)"])
            }
            try? await Task.sleep(for: configuration.idlePoll)
        }
    }

    private struct Lease: Sendable {
        let campaignID: UUID
        let batchIndex: Int64
        let startOffset: Int64
        let count: Int64
        let parameters: String
    }

    /// Leases and completes one batch; false when there was none to lease.
    func runOneBatch(beginQueued: Bool) async throws -> Bool {
        let holder = configuration.holderID
        let leaseSeconds = Double(configuration.leaseDuration.components.seconds)
        let lease = try await store.pool.withConnection(retryTransient: true) { c -> Lease? in
            if beginQueued { _ = try c.execute(StatementRegistry.beginQueuedCampaigns) }
            guard let row = try c.execute(StatementRegistry.leaseBatch, [.text(holder), .double(leaseSeconds)]).first else {
                return nil
            }
            return Lease(campaignID: try row.uuid(0), batchIndex: try row.int(1), startOffset: try row.int(2),
                         count: try row.int(3), parameters: try row.json(4))
        }
        guard let lease else { return false }
        let pattern: GenerationPattern
        do {
            let spec = try JSONDecoder().decode(GenerationSpec.self, from: Data(lease.parameters.utf8))
            pattern = try spec.pattern()
        } catch {
            try await store.pool.withConnection { c in
                _ = try c.execute(StatementRegistry.failCampaign, [.uuid(lease.campaignID), .text("bad parameters: \(error)")])
            }
            return true
        }
        try Task.checkCancellation()
        let campaign = PGValue.uuid(lease.campaignID)
        let completed = PGValue.text("completed"), generated = PGValue.text("generated")
        var rows: [[PGValue?]] = []
        rows.reserveCapacity(Int(lease.count))
        var skipped: Int64 = 0
        for offset in lease.startOffset..<(lease.startOffset + lease.count) {
            if let name = pattern.name(at: offset) {
                rows.append([campaign, .text(name), .int(offset), completed, generated])
            } else {
                skipped += 1
            }
        }
        let finalRows = rows
        let skippedCount = skipped
        let wrote = try await store.pool.withTransaction { c -> Bool in
            // The lease may have expired and gone to another worker: then this batch is theirs.
            guard try c.execute(StatementRegistry.confirmLease, [campaign, .int(lease.batchIndex), .text(holder)]).first != nil else {
                return false
            }
            _ = try c.copyIn(StatementRegistry.generatedDomainsCopy, rows: finalRows)
            _ = try c.execute(StatementRegistry.finishBatch, [campaign, .int(lease.batchIndex), .text(holder)])
            _ = try c.execute(StatementRegistry.addProgress, [campaign, .int(lease.count), .int(skippedCount)])
            if try c.execute(StatementRegistry.completeIfDone, [campaign]).affectedRows == 1 {
                _ = try c.execute(StatementRegistry.createFollowOn, [campaign])  // the pipeline's next campaign, if any
            }
            return true
        }
        if !wrote { logger.notice("lost a batch lease to another worker", metadata: ["campaign": "\(lease.campaignID)"]) }
        return true
    }
}
