import ArgumentParser
import DomainFlowEngine
import Foundation

/// Fetches one URL again and again with the HTTP campaigns' fetcher, at a fixed concurrency, and reports
/// fetches/s: the fetcher alone, without the campaign around it (scoring, persisting), beside `wrk`.
struct FetchBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fetch-bench",
        abstract: "Fetch a URL COUNT times, CONCURRENCY at once, with the campaigns' HTTP fetcher; report fetches/s.")

    @Option(help: "The URL to fetch (http:// or https://).") var url: String
    @Option(help: "Fetches in all.") var count = 20_000
    @Option(help: "Fetches at once.") var concurrency = 100

    func run() async throws {
        guard let target = URL(string: url) else { throw ValidationError("'\(url)' is not a URL") }
        let request = HTTPFetchRequest(url: target, headers: [HTTPField("User-Agent", "fetch-bench")], verifyTLS: false)
        let clock = ContinuousClock()
        let start = clock.now
        let total = max(1, count), width = max(1, min(concurrency, total))
        var failures: [String: Int] = [:]
        try await withThrowingTaskGroup(of: String?.self) { group in
            var started = 0
            func add() {
                started += 1
                group.addTask {
                    do throws(HTTPFetchError) { _ = try await HTTPFetcher.fetch(request); return nil } catch { return error.kind.rawValue }
                }
            }
            while started < width { add() }
            while let failure = try await group.next() {
                if let failure { failures[failure, default: 0] += 1 }
                if started < total { add() }
            }
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let errors = failures.map { "\"\($0.key)\": \($0.value)" }.sorted().joined(separator: ", ")
        print(String(format: "{\"fetches_per_second\": %.0f, \"fetches\": %d, \"errors\": {%@}}", Double(total) / seconds, total, errors))
    }
}
