import DomainFlowCore
import DomainFlowClient
import DomainFlowWire
import Histogram
import NIOConcurrencyHelpers
import Synchronization

/// Drives a server with `connections × inFlight` workers. Closed loop: each worker calls
/// again as soon as its reply arrives. Open loop: calls are due at fixed intervals and each
/// latency is measured from when the call was due, not when it was sent, so a slow server
/// is not hidden by the harness slowing down (no coordinated omission).
public enum LoadRunner {
    /// Ends a run early (Ctrl-C): the workers stop at their next call and the report so far is returned.
    public final class Stop: Sendable {
        let requested = Atomic<Bool>(false)
        public init() {}
        public func request() { requested.store(true, ordering: .relaxed) }
    }

    /// Runs the warm-up, then the measured phase; `progress` is called about once a second. The run ends at
    /// `duration` (calls still due then are counted as not sent), at `requests`, or when `stop` is requested.
    public static func run(_ configuration: LoadConfiguration, stop: Stop = Stop(),
                           progress: (@Sendable (Int, Duration) -> Void)? = nil) async throws -> LoadReport {
        try configuration.validate()
        var clients: [DomainFlowClient] = []
        for _ in 0..<configuration.connections {
            let client = try await DomainFlowClient.connect(socketPath: configuration.socketPath, clientName: "domainflow-loadtest")
            client.authToken = configuration.authToken
            clients.append(client)
        }
        defer { for client in clients { Task { await client.close() } } }
        let fixture = try await ScenarioFixture.prepare(configuration.mix, client: clients[0], rows: configuration.streamRows)
        do {
            if configuration.warmup > .zero {
                var warm = configuration
                warm.duration = configuration.warmup
                warm.requests = nil
                _ = try await phase(warm, clients: clients, fixture: fixture, stop: stop, progress: nil)
                fixture.streamedRows.store(0, ordering: .relaxed)
            }
            let report = try await phase(configuration, clients: clients, fixture: fixture, stop: stop, progress: progress)
            await fixture.cleanUp(clients[0])
            return report
        } catch {
            await fixture.cleanUp(clients[0])
            throw error
        }
    }

    /// Shared by the workers of one phase: the next request number, and calls completed.
    private final class Counters: Sendable {
        let tickets = Atomic<Int>(0)
        let completed = Atomic<Int>(0)
    }

    private struct WorkerResult: Sendable {
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
        var errors: [String: Int] = [:]
        var count = 0
    }

    private static func phase(_ configuration: LoadConfiguration, clients: [DomainFlowClient], fixture: ScenarioFixture,
                              stop: Stop, progress: (@Sendable (Int, Duration) -> Void)?) async throws -> LoadReport {
        let clock = ContinuousClock()
        let start = clock.now
        let end = start + configuration.duration
        let counters = Counters()
        let limit = configuration.requests ?? Int.max
        let interval: Duration? = configuration.rate.map { .nanoseconds(Int64(1e9 / $0)) }
        let payload = [UInt8](repeating: 0x61, count: configuration.payloadSize)

        let reporter = progress.map { report in
            Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    report(counters.completed.load(ordering: .relaxed), clock.now - start)
                }
            }
        }
        defer { reporter?.cancel() }

        let results = try await withThrowingTaskGroup(of: WorkerResult.self) { group in
            for client in clients {
                for _ in 0..<configuration.inFlight {
                    // Each worker runs on its connection's event loop: a call and its answer stay on one thread.
                    group.addTask(executorPreference: client.executor) {
                        var result = WorkerResult()
                        while !stop.requested.load(ordering: .relaxed) {
                            let n = counters.tickets.add(1, ordering: .relaxed).oldValue
                            guard n < limit else { break }
                            var due = clock.now
                            if let interval {
                                due = start + interval * n
                                // Late calls are still sent (their latency counts from when they were due), but
                                // not after the run's end: the ones left are reported as not sent.
                                guard due < end, clock.now < end else { break }
                                if due > clock.now { try await clock.sleep(until: due) }
                            } else {
                                guard due < end else { break }
                            }
                            do {
                                try await configuration.mix.scenario(for: n).call(on: client, payload: payload, fixture: fixture)
                                let latency = (clock.now - due).wholeNanoseconds
                                _ = result.histogram.record(UInt64(max(1, latency)))
                            } catch let error as RPCError {
                                result.errors[error.code.description, default: 0] += 1
                            } catch let error as ClientError {
                                result.errors[error.code.description, default: 0] += 1
                                if case .connectionClosed = error { break }
                            }
                            result.count += 1
                            counters.completed.add(1, ordering: .relaxed)
                        }
                        return result
                    }
                }
            }
            var all: [WorkerResult] = []
            for try await result in group { all.append(result) }
            return all
        }
        let elapsed = clock.now - start
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
        var errors: [String: Int] = [:]
        var count = 0
        for result in results {
            histogram.add(result.histogram)
            errors.merge(result.errors, uniquingKeysWith: +)
            count += result.count
        }
        var report = LoadReport(requests: count, errorsByCode: errors, elapsed: elapsed, histogram: histogram,
                                openLoopRate: configuration.rate, streamedRows: fixture.streamedRows.load(ordering: .relaxed))
        if let interval {
            // The calls due within the run (or the requests asked for) that were never sent.
            let due = min(limit, Int((min(elapsed, configuration.duration) / interval).rounded(.up)))
            report.unsent = max(0, due - count)
        }
        report.stoppedEarly = stop.requested.load(ordering: .relaxed)
        return report
    }
}
