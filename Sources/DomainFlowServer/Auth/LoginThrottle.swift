import NIOConcurrencyHelpers

/// Slows down password guessing: after `maxFailures` failed logins for one login name or
/// one peer uid within the window, attempts are refused for a lockout that doubles with
/// each further failure. A success clears the login's record.
final class LoginThrottle: Sendable {
    private struct Record {
        var failures = 0
        var firstFailure: ContinuousClock.Instant
        var lockedUntil: ContinuousClock.Instant?
    }

    private let records = NIOLockedValueBox<[String: Record]>([:])
    private let configuration: AuthConfiguration

    init(configuration: AuthConfiguration) {
        self.configuration = configuration
    }

    /// How long `keys` are still locked out, or nil when an attempt may proceed.
    func lockout(for keys: [String], now: ContinuousClock.Instant = .now) -> Duration? {
        records.withLockedValue { records in
            keys.compactMap { key -> Duration? in
                guard let until = records[key]?.lockedUntil, until > now else { return nil }
                return until - now
            }.max()
        }
    }

    func recordFailure(for keys: [String], now: ContinuousClock.Instant = .now) {
        records.withLockedValue { records in
            for key in keys {
                var record = records[key] ?? Record(firstFailure: now)
                if now - record.firstFailure > configuration.failureWindow { record = Record(firstFailure: now) }
                record.failures += 1
                let excess = record.failures - configuration.maxFailedLogins
                if excess >= 0 {
                    record.lockedUntil = now + configuration.firstLockout * (1 << min(excess, 10))
                }
                records[key] = record
            }
            if records.count > 100_000 {  // bounded memory under a spray of names
                records = records.filter { now - $0.value.firstFailure <= configuration.failureWindow }
            }
        }
    }

    func recordSuccess(for key: String) {
        _ = records.withLockedValue { $0.removeValue(forKey: key) }
    }
}
