import DomainFlowCore
import DomainFlowStore
import Foundation

/// Every status change of a campaign, decided by `CampaignStateMachine` and written in the caller's
/// transaction: the one way a status changes, for users' calls and the engine alike.
public enum CampaignLifecycle {
    /// The change `event` made: from one status to the next.
    public struct Change: Sendable {
        public let from: CampaignStatus
        public let to: CampaignStatus
    }

    /// Applies `event` to campaign `id` (locked FOR UPDATE); throws `IllegalTransition` when its status does
    /// not allow it, or FAILED_PRECONDITION when it is gone. `message` becomes the error message.
    @discardableResult
    public static func apply(_ c: PGConnection, _ id: UUID, _ event: CampaignEvent, message: String? = nil) throws -> Change {
        guard let status = try c.run(Campaigns.statusForUpdate(id: id)) else {
            throw StoreError(kind: .failedPrecondition, message: "no campaign \(id.lowercasedString)")
        }
        let next = try CampaignStateMachine.transition(from: status, on: event)
        try c.run(Campaigns.setStatus(id: id, next, message: message))
        return Change(from: status, to: next)
    }

    /// Applies `event` if the campaign's status allows it; nil when it does not.
    @discardableResult
    public static func applyIfAllowed(_ c: PGConnection, _ id: UUID, _ event: CampaignEvent, message: String? = nil) throws -> Change? {
        do { return try apply(c, id, event, message: message) } catch is IllegalTransition { return nil }
    }
}

/// How campaigns are cut into batches: a range of offsets in batches of a size, or the batches of the
/// source campaign, index for index, so that a follow-on's batch i can run as soon as source batch i is done.
public enum CampaignBatches {
    /// Batches over offsets `start ..< start + count`.
    public static func cut(_ c: PGConnection, campaign: UUID, start: Int64, count: Int64, batchSize: Int) throws {
        guard count > 0 else { return }
        try c.run(Batches.cut(campaign: campaign, start: start, count: count, batchSize: batchSize))
    }

    /// The source campaign's batches, mirrored.
    public static func mirror(_ c: PGConnection, campaign: UUID, source: UUID) throws {
        try c.run(Batches.mirror(campaign: campaign, source: source))
    }
}
