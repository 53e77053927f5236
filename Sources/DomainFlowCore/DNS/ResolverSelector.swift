/// How a DNS persona's resolvers are chosen: `ResolverRotation` (round robin, random, weighted, sequential
/// failover) over the resolvers that are trusted, skipping ones that keep timing out (down) unless all are,
/// and never the ones a query has already tried while an untried one is left. Pure, with an injected
/// random source.
public struct ResolverSelector: Sendable {
    public enum Rotation: Sendable, Equatable { case roundRobin, random, weighted, sequentialFailover }

    public let rotation: Rotation
    public let weights: [Int]
    /// Resolvers whose answers are not believed (found lying): never chosen while another is left.
    public private(set) var distrusted: Set<Int> = []
    private var next = 0
    private var consecutiveTimeouts: [Int]
    /// Consecutive timeouts after which a resolver counts as down.
    public let downAfter: Int

    public init(count: Int, rotation: Rotation, weights: [Int] = [], downAfter: Int = 8) {
        self.rotation = rotation
        self.weights = weights.count == count ? weights.map { max(1, $0) } : Array(repeating: 1, count: count)
        self.consecutiveTimeouts = Array(repeating: 0, count: count)
        self.downAfter = downAfter
    }

    public var count: Int { weights.count }
    /// Resolvers that are believed.
    public var trusted: [Int] { (0..<count).filter { !distrusted.contains($0) } }

    public mutating func distrust(_ resolver: Int) { distrusted.insert(resolver) }
    public mutating func recordAnswer(_ resolver: Int) { consecutiveTimeouts[resolver] = 0 }
    public mutating func recordTimeout(_ resolver: Int) { consecutiveTimeouts[resolver] += 1 }
    public func isDown(_ resolver: Int) -> Bool { consecutiveTimeouts[resolver] >= downAfter }

    /// The resolver for a query that has already tried `tried` (in order); nil only without resolvers.
    public mutating func choose(excluding tried: [Int], random: (Int) -> Int) -> Int? {
        let trustedOnes = trusted.isEmpty ? Array(0..<count) : trusted
        guard !trustedOnes.isEmpty else { return nil }
        var candidates = trustedOnes.filter { !tried.contains($0) }
        if candidates.isEmpty { candidates = trustedOnes }
        let up = candidates.filter { !isDown($0) }
        if !up.isEmpty { candidates = up }
        switch rotation {
        case .sequentialFailover:
            return candidates[0]
        case .roundRobin:
            // The next in the cycle among the candidates.
            for step in 0..<count {
                let index = (next + step) % count
                if candidates.contains(index) {
                    next = (index + 1) % count
                    return index
                }
            }
            return candidates[0]
        case .random:
            return candidates[random(candidates.count)]
        case .weighted:
            let total = candidates.reduce(0) { $0 + weights[$1] }
            var pick = random(total)
            for candidate in candidates {
                pick -= weights[candidate]
                if pick < 0 { return candidate }
            }
            return candidates[candidates.count - 1]
        }
    }
}
