/// A token bucket over time measured in nanoseconds by the caller's clock (injected, so the type is pure):
/// `rate` tokens a second, at most `burst` saved up. A rate of 0 means unlimited.
public struct TokenBucket: Sendable, Equatable {
    public let rate: Double
    public let burst: Double
    private var tokens: Double
    private var lastRefill: Int64

    /// A full bucket at time `now` (ns).
    public init(rate: UInt32, burst: UInt32, now: Int64) {
        self.rate = Double(rate)
        self.burst = Double(max(burst == 0 ? rate : burst, 1))
        self.tokens = self.burst
        self.lastRefill = now
    }

    public var isUnlimited: Bool { rate == 0 }

    private mutating func refill(_ now: Int64) {
        guard now > lastRefill else { return }
        tokens = min(burst, tokens + Double(now - lastRefill) * rate / 1e9)
        lastRefill = now
    }

    /// Takes one token if there is one at `now`.
    public mutating func take(now: Int64) -> Bool {
        if isUnlimited { return true }
        refill(now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// Nanoseconds from `now` until a token is available (0 if one is).
    public mutating func wait(now: Int64) -> Int64 {
        if isUnlimited { return 0 }
        refill(now)
        return tokens >= 1 ? 0 : Int64(((1 - tokens) / rate * 1e9).rounded(.up))
    }
}
