import DomainFlowStore
import Foundation

/// What processing one batch produced: written, with the batch's completion and progress, in one transaction.
public struct BatchOutput: Sendable {
    /// Offsets of the batch covered (the batch's count).
    public var processed: Int64
    /// Offsets without a name to work on.
    public var skipped: Int64
    /// Result rows per outcome, added to the campaign's counts.
    public var outcomeCounts: [String: Int64] = [:]
    /// DNS queries sent.
    public var queriesSent: Int64 = 0
    /// Writes the batch's rows inside the batch's transaction.
    public var write: @Sendable (PGConnection) throws -> Void

    public init(processed: Int64, skipped: Int64, outcomeCounts: [String: Int64] = [:], queriesSent: Int64 = 0,
                write: @escaping @Sendable (PGConnection) throws -> Void) {
        self.processed = processed; self.skipped = skipped; self.outcomeCounts = outcomeCounts
        self.queriesSent = queriesSent; self.write = write
    }
}

/// A failure that retrying cannot fix (bad parameters, a missing persona): the campaign fails with it.
public struct PermanentPhaseError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One campaign type's work, behind the engine's one interface: the engine cuts a campaign into batches
/// (`CampaignBatches`), leases them, and hands each to its phase, which processes it and says what to
/// write; the engine writes it in the transaction that marks the batch done and adds the progress.
public protocol CampaignPhase: Sendable {
    /// The `campaigns.campaign_type` this phase runs.
    var campaignType: String { get }
    /// Processes one leased batch. Throw `PermanentPhaseError` to fail the campaign; anything else
    /// leaves the batch to be leased again.
    func process(_ batch: LeasedBatch) async throws -> BatchOutput
}
