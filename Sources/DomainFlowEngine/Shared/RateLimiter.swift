import DomainFlowCore
import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// A shared token bucket: the queries (or requests) per second of one campaign on this server, whichever runs
/// and tasks send them.
public final class RateLimiter: Sendable {
    private let bucket: NIOLockedValueBox<TokenBucket>
    public let isUnlimited: Bool

    public init(queriesPerSecond: UInt32, burst: UInt32) {
        bucket = NIOLockedValueBox(TokenBucket(rate: queriesPerSecond, burst: burst, now: Int64(NIODeadline.now().uptimeNanoseconds)))
        isUnlimited = queriesPerSecond == 0
    }

    /// Takes a token now, or returns the nanoseconds to wait for one.
    public func take() -> Int64 {
        if isUnlimited { return 0 }
        let now = Int64(NIODeadline.now().uptimeNanoseconds)
        return bucket.withLockedValue { $0.take(now: now) ? 0 : max(1, $0.wait(now: now)) }
    }
}


extension RateLimiter {
    /// Waits until a token is taken.
    public func acquire() async throws {
        while true {
            let wait = take()
            if wait == 0 { return }
            try await Task.sleep(for: .nanoseconds(wait))
        }
    }
}

/// The rate limiters of the campaigns on this server: one per (campaign, persona), shared by every batch, run and
/// task that sends that campaign's queries or requests.
public final class RateLimiters: Sendable {
    private let limiters = NIOLockedValueBox<[String: RateLimiter]>([:])

    public init() {}

    /// The limiter of `campaign`'s persona `key` (e.g. "dns:0", "http:1"), made on first use with `rate` and `burst`.
    public func limiter(campaign: UUID, key: String, rate: UInt32, burst: UInt32) -> RateLimiter {
        limiters.withLockedValue { map in
            let id = "\(campaign):\(key)"
            if let existing = map[id] { return existing }
            let created = RateLimiter(queriesPerSecond: rate, burst: burst)
            map[id] = created
            return created
        }
    }
}
