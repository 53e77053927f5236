import DomainFlowCore
import DomainFlowWire

/// The checks of the result filters that the typed streams, the export and campaign creation share.
enum ResultFilters {
    /// Every outcome is one a DNS row can have.
    static func checkOutcomes(_ outcomes: [String]) throws {
        for outcome in outcomes where DNSFinalOutcome(rawValue: outcome) == nil {
            throw RPCError.invalidArgument("outcomes: unknown outcome '\(outcome)'; use \(DNSFinalOutcome.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    /// A minimum score (a filter's, or a campaign's lead threshold) is a finite number, 0 or more.
    static func checkMinScore(_ score: Double, field: String = "min_score") throws {
        guard score >= 0, score.isFinite else { throw RPCError.invalidArgument("\(field): must be 0 or more") }
    }
}
