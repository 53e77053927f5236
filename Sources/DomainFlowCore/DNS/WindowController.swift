/// The in-flight window of a bulk resolver, adapted to how the servers cope (AIMD, as TCP does): each
/// sampling period with a timeout rate above `backoffRate` halves the window; a period without trouble
/// grows it by a tenth (at least one) up to the configured maximum. On loopback answers come back in
/// microseconds, so a window alone cannot keep under a server's response-rate limit: a lossy period also
/// sets a pace (queries per second) of 80% of the answers it saw, which quiet periods raise by a quarter
/// until it is lifted. Time is the caller's (ns), so the type is pure. A server that rate-limits (drops,
/// truncates) thus gets fewer queries instead of a column of timeouts.
public struct WindowController: Sendable, Equatable {
    public let maximum: Int
    public let minimum: Int
    public private(set) var limit: Int
    /// Queries per second not to exceed, or nil for no pace.
    public private(set) var pace: Double?
    /// The lowest pace set, and the one above which it is lifted.
    public static let minimumPace = 20.0, liftedPace = 1_000_000.0
    private let period: Int64
    private let backoffRate: Double
    private var periodStart: Int64
    private var answered = 0
    private var timedOut = 0

    public init(maximum: Int, now: Int64, period: Int64 = 200_000_000, backoffRate: Double = 0.05, minimum: Int = 4) {
        self.maximum = max(1, maximum)
        self.minimum = min(self.maximum, max(1, minimum))
        self.limit = self.maximum
        self.period = period
        self.backoffRate = backoffRate
        self.periodStart = now
    }

    /// A query got an answer (of any rcode).
    public mutating func answered(now: Int64) { answered += 1; roll(now) }
    /// A query timed out.
    public mutating func timedOut(now: Int64) { timedOut += 1; roll(now) }

    private mutating func roll(_ now: Int64) {
        guard now - periodStart >= period else { return }
        let total = answered + timedOut
        if total > 0 {
            let rate = Double(timedOut) / Double(total)
            if rate > backoffRate {
                limit = max(minimum, limit / 2)
                let answerRate = Double(answered) * 1e9 / Double(now - periodStart)
                pace = min(pace ?? .infinity, max(Self.minimumPace, answerRate * 0.8))
            } else if timedOut == 0 {
                limit = min(maximum, limit + max(1, limit / 10))
                if let current = pace { pace = current * 1.25 > Self.liftedPace ? nil : current * 1.25 }
            }
        }
        answered = 0; timedOut = 0; periodStart = now
    }
}
