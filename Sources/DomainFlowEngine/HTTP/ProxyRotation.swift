import DomainFlowCore
import Foundation
import NIOConcurrencyHelpers

/// One of a campaign's proxies, usable as stored.
public struct CampaignProxy: Sendable {
    public let id: UUID
    public let name: String
    public let endpoint: ProxyEndpoint
}

/// Chooses a proxy per request from a campaign's proxies by a strategy (round robin, random, failover: the
/// first that works), skipping those that failed `unhealthyAfter` times in a row; a request whose proxy
/// failed is retried through another. Thread-safe: a batch's fetches share it.
public final class ProxyRotation: Sendable {
    public enum Strategy: String, Sendable { case roundRobin = "round_robin", random, failover }

    private struct State {
        var next = 0
        var failures: [Int]
        var unhealthy: Set<Int> = []
    }

    public let proxies: [CampaignProxy]
    public let strategy: Strategy
    public let unhealthyAfter: Int
    private let state: NIOLockedValueBox<State>

    public init(_ proxies: [CampaignProxy], strategy: Strategy = .roundRobin, unhealthyAfter: Int = 3) {
        self.proxies = proxies
        self.strategy = strategy
        self.unhealthyAfter = unhealthyAfter
        state = NIOLockedValueBox(State(failures: Array(repeating: 0, count: proxies.count)))
    }

    /// Whether requests go through proxies at all.
    public var isEmpty: Bool { proxies.isEmpty }

    /// A healthy proxy not in `tried`, or nil when none is left.
    public func choose(excluding tried: [UUID]) -> CampaignProxy? {
        state.withLockedValue { s in
            let candidates = proxies.indices.filter { !s.unhealthy.contains($0) && !tried.contains(proxies[$0].id) }
            guard !candidates.isEmpty else { return nil }
            switch strategy {
            case .failover: return proxies[candidates[0]]
            case .random: return proxies[candidates.randomElement()!]
            case .roundRobin:
                for step in 0..<proxies.count {
                    let index = (s.next + step) % proxies.count
                    if candidates.contains(index) {
                        s.next = (index + 1) % proxies.count
                        return proxies[index]
                    }
                }
                return proxies[candidates[0]]
            }
        }
    }

    /// Records a request through `proxy` that the proxy itself failed; true when this failure made it unhealthy.
    public func recordFailure(_ proxy: UUID) -> Bool {
        state.withLockedValue { s in
            guard let index = proxies.firstIndex(where: { $0.id == proxy }) else { return false }
            s.failures[index] += 1
            guard s.failures[index] >= unhealthyAfter, !s.unhealthy.contains(index) else { return false }
            s.unhealthy.insert(index)
            return true
        }
    }

    public func recordSuccess(_ proxy: UUID) {
        state.withLockedValue { s in
            if let index = proxies.firstIndex(where: { $0.id == proxy }) { s.failures[index] = 0 }
        }
    }

    /// Whether every proxy is unhealthy.
    public var allUnhealthy: Bool { state.withLockedValue { $0.unhealthy.count == proxies.count && !proxies.isEmpty } }
}
