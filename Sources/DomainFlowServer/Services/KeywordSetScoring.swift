import DomainFlowCore
import DomainFlowWire
import Foundation

/// A keyword set's active rules applied to text: the scoring behind `TestKeywordSet`.
enum KeywordSetScoring {
    static func score(_ text: String, set: KeywordSet, into response: TestKeywordSetResponse) throws -> TestKeywordSetResponse {
        var response = response
        let active = set.rules.filter { !$0.inactive }
        let rules = active.map {
            KeywordScoringRule(keyword: $0.keyword, isRegex: $0.kind == .regex, caseSensitive: $0.caseSensitive,
                               weight: Double($0.weight) ?? 1, contextChars: Int($0.contextChars))
        }
        let (score, hits) = try KeywordScorer.score(text, rules: rules)
        response.score = String(format: "%.2f", score)
        response.scoredChars = UInt64(text.count)
        response.matches = hits.map { hit in
            let rule = active[hit.rule]
            var match = KeywordMatch()
            match.ruleID = rule.id; match.keyword = rule.keyword; match.kind = rule.kind; match.category = rule.category
            match.weight = rule.weight; match.count = UInt32(hit.count); match.snippets = hit.snippets
            return match
        }
        return response
    }
}
