/// The life cycle of a campaign (and of each of its phases).
public enum CampaignStatus: String, Sendable, CaseIterable, Codable {
    case pending, queued, running, paused, completed, failed, cancelled

    /// Whether nothing more will happen to the campaign.
    public var isTerminal: Bool { self == .completed || self == .failed || self == .cancelled }
}

/// What can happen to a campaign.
public enum CampaignEvent: String, Sendable, CaseIterable {
    /// A user starts it: pending → queued.
    case start
    /// A worker takes it up: queued → running.
    case begin
    /// A user pauses it: queued or running → paused.
    case pause
    /// A user resumes it: paused → queued (a worker then begins it again).
    case resume
    /// Its last batch is done: running → completed.
    case complete
    /// It cannot go on: queued or running → failed.
    case fail
    /// A user cancels it: any state that is not terminal → cancelled.
    case cancel
}

/// The one place campaign status transitions are decided. Pure.
public enum CampaignStateMachine {
    /// The status after `event`, or an error naming the current status.
    public static func transition(from status: CampaignStatus, on event: CampaignEvent) throws(IllegalTransition) -> CampaignStatus {
        switch (status, event) {
        case (.pending, .start): return .queued
        case (.queued, .begin): return .running
        case (.queued, .pause), (.running, .pause): return .paused
        case (.paused, .resume): return .queued
        case (.running, .complete): return .completed
        case (.queued, .fail), (.running, .fail): return .failed
        case (let s, .cancel) where !s.isTerminal: return .cancelled
        default: throw IllegalTransition(from: status, event: event)
        }
    }
}

/// An event the campaign's current status does not allow (FAILED_PRECONDITION).
public struct IllegalTransition: Error, Sendable, Equatable, CustomStringConvertible {
    public let from: CampaignStatus
    public let event: CampaignEvent
    public var description: String { "cannot \(event.rawValue) a campaign that is \(from.rawValue)" }
}
