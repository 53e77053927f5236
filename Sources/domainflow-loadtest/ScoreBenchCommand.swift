import ArgumentParser
import DomainFlowCore
import Foundation

/// Scores a text file against a file of string rules (one per line), as the HTTP campaigns do, and reports MB/s.
struct ScoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "score-bench",
        abstract: "Score a text against string keyword rules (one pass, Aho-Corasick) and report MB/s.")

    @Option(help: "The text to score.") var text: String
    @Option(help: "String rules, one per line.") var rules: String
    @Option(help: "Times to score it.") var repeats = 5

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: text), let ruleData = FileManager.default.contents(atPath: rules) else {
            throw ValidationError("cannot read \(text) or \(rules)")
        }
        let page = String(decoding: data, as: UTF8.self)
        let list = String(decoding: ruleData, as: UTF8.self).split(separator: "\n").map {
            KeywordScoringRule(keyword: String($0), isRegex: false, caseSensitive: false, weight: 1, contextChars: 20)
        }
        let compiled = try CompiledKeywordRules(list)
        let clock = ContinuousClock()
        var best = Duration.seconds(1000)
        var matches = 0
        for _ in 0..<max(1, repeats) {
            let start = clock.now
            let (_, hits) = compiled.score(page)
            best = min(best, clock.now - start)
            matches = hits.reduce(0) { $0 + $1.count }
        }
        let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) / 1e18
        print(String(format: "{\"megabytes_per_second\": %.1f, \"matches\": %d, \"rules\": %d}", Double(data.count) / 1e6 / seconds, matches, list.count))
    }
}
