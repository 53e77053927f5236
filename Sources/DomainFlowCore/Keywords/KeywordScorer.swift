import Foundation

/// One active rule as the scorer applies it.
public struct KeywordScoringRule: Sendable {
    public var keyword: String
    public var isRegex: Bool
    public var caseSensitive: Bool
    public var weight: Double
    /// Characters of context on each side of a match in its snippet.
    public var contextChars: Int

    public init(keyword: String, isRegex: Bool, caseSensitive: Bool, weight: Double, contextChars: Int) {
        self.keyword = keyword; self.isRegex = isRegex; self.caseSensitive = caseSensitive; self.weight = weight
        self.contextChars = contextChars
    }
}

/// How often one rule matched, with the first few matches in context.
public struct KeywordHit: Sendable, Equatable {
    /// The rule's index in the list given to the scorer.
    public var rule: Int
    public var count: Int
    public var snippets: [String]
}

/// Scores text against keyword rules: each rule counts its (non-overlapping) matches, and the score is
/// the sum over rules of weight × matches. Strings match literally; regexes use ICU syntax
/// (NSRegularExpression, the same engine that validated them); both ignore case unless the rule says
/// otherwise.
public enum KeywordScorer {
    /// Matches counted per rule at most (a pathological page cannot make scoring unbounded).
    public static let maxMatchesPerRule = 10_000

    public static func score(_ text: String, rules: [KeywordScoringRule], snippetsPerRule: Int = 3) throws -> (score: Double, hits: [KeywordHit]) {
        let haystack = text as NSString
        var hits: [KeywordHit] = []
        var total = 0.0
        for (index, rule) in rules.enumerated() {
            let pattern = rule.isRegex ? rule.keyword : NSRegularExpression.escapedPattern(for: rule.keyword)
            let expression = try NSRegularExpression(pattern: pattern, options: rule.caseSensitive ? [] : [.caseInsensitive])
            var count = 0
            var snippets: [String] = []
            expression.enumerateMatches(in: text, range: NSRange(location: 0, length: haystack.length)) { match, _, stop in
                guard let range = match?.range, range.length > 0 else { return }
                count += 1
                if snippets.count < snippetsPerRule {
                    let start = max(0, range.location - rule.contextChars)
                    let end = min(haystack.length, range.location + range.length + rule.contextChars)
                    let snippet = haystack.substring(with: NSRange(location: start, length: end - start))
                    snippets.append(snippet.split(whereSeparator: \.isWhitespace).joined(separator: " "))
                }
                if count >= maxMatchesPerRule { stop.pointee = true }
            }
            if count > 0 {
                hits.append(KeywordHit(rule: index, count: count, snippets: snippets))
                total += rule.weight * Double(count)
            }
        }
        return (total, hits)
    }
}
