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

/// Keyword rules prepared once for many texts: string rules in one Aho-Corasick automaton (one pass over
/// the text for all of them), regex rules compiled once (ICU syntax, NSRegularExpression, the engine that
/// validated them).
public final class CompiledKeywordRules: @unchecked Sendable {
    // Safe to share: built once, then only read (NSRegularExpression matching is thread-safe).
    public let rules: [KeywordScoringRule]
    private let matcher: MultiPatternMatcher
    private let expressions: [(rule: Int, expression: NSRegularExpression)]

    public init(_ rules: [KeywordScoringRule]) throws {
        self.rules = rules
        matcher = MultiPatternMatcher(patterns: rules.map { ($0.isRegex ? "" : $0.keyword, $0.caseSensitive) })
        expressions = try rules.enumerated().filter(\.element.isRegex).map { index, rule in
            (index, try NSRegularExpression(pattern: rule.keyword, options: rule.caseSensitive ? [] : [.caseInsensitive]))
        }
    }

    /// The score of `text` (Σ weight × matches) and each matching rule's count and first snippets.
    public func score(_ text: String, snippetsPerRule: Int = 3) -> (score: Double, hits: [KeywordHit]) {
        var counts = Array(repeating: 0, count: rules.count)
        var snippets = Array(repeating: [String](), count: rules.count)
        /// The context as text, whitespace runs collapsed to one space and trimmed, in one pass.
        func snippet(_ scalars: ArraySlice<UInt32>) -> String {
            var utf8: [UInt8] = []
            utf8.reserveCapacity(scalars.count)
            var space = false
            for value in scalars {
                guard let scalar = Unicode.Scalar(value) else { continue }
                if scalar.isSpace {
                    space = !utf8.isEmpty
                    continue
                }
                if space { utf8.append(0x20) }
                space = false
                if value < 0x80 { utf8.append(UInt8(value)) } else { utf8.append(contentsOf: UTF8.encode(scalar)!) }
            }
            return String(decoding: utf8, as: UTF8.self)
        }
        if rules.contains(where: { !$0.isRegex }) {
            let scalars = text.scalarValues
            var lastEnd = Array(repeating: 0, count: rules.count)
            for match in matcher.matches(in: scalars) where match.start >= lastEnd[match.pattern] {
                // Non-overlapping per rule, leftmost first, as a regex scan counts them.
                guard counts[match.pattern] < KeywordScorer.maxMatchesPerRule else { continue }
                lastEnd[match.pattern] = match.end
                counts[match.pattern] += 1
                if snippets[match.pattern].count < snippetsPerRule {
                    let context = rules[match.pattern].contextChars
                    snippets[match.pattern].append(snippet(scalars[max(0, match.start - context)..<min(scalars.count, match.end + context)]))
                }
            }
        }
        if !expressions.isEmpty {
            let haystack = text as NSString
            for (index, expression) in expressions {
                let rule = rules[index]
                expression.enumerateMatches(in: text, range: NSRange(location: 0, length: haystack.length)) { match, _, stop in
                    guard let range = match?.range, range.length > 0 else { return }
                    counts[index] += 1
                    if snippets[index].count < snippetsPerRule {
                        let start = max(0, range.location - rule.contextChars)
                        let end = min(haystack.length, range.location + range.length + rule.contextChars)
                        let text = haystack.substring(with: NSRange(location: start, length: end - start))
                        snippets[index].append(text.split(whereSeparator: \.isWhitespace).joined(separator: " "))
                    }
                    if counts[index] >= KeywordScorer.maxMatchesPerRule { stop.pointee = true }
                }
            }
        }
        var total = 0.0
        var hits: [KeywordHit] = []
        for index in rules.indices where counts[index] > 0 {
            hits.append(KeywordHit(rule: index, count: counts[index], snippets: snippets[index]))
            total += rules[index].weight * Double(counts[index])
        }
        return (total, hits)
    }
}

/// Scores text against keyword rules: each rule counts its (non-overlapping) matches, and the score is
/// the sum over rules of weight × matches. Strings match literally; regexes use ICU syntax; both ignore
/// case unless the rule says otherwise. For many texts, compile the rules once (`CompiledKeywordRules`).
public enum KeywordScorer {
    /// Matches counted per rule at most (a pathological page cannot make scoring unbounded).
    public static let maxMatchesPerRule = 10_000

    public static func score(_ text: String, rules: [KeywordScoringRule], snippetsPerRule: Int = 3) throws -> (score: Double, hits: [KeywordHit]) {
        try CompiledKeywordRules(rules).score(text, snippetsPerRule: snippetsPerRule)
    }
}
