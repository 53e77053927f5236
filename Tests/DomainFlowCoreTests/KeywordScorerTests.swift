import DomainFlowCore
import Testing

@Suite struct KeywordScorerTests {
    @Test func scoreIsWeightTimesMatchesWithSnippetsInContext() throws {
        let rules = [
            KeywordScoringRule(keyword: "for sale", isRegex: false, caseSensitive: false, weight: 2.5, contextChars: 6),
            KeywordScoringRule(keyword: #"\bdomains?\b"#, isRegex: true, caseSensitive: false, weight: 1, contextChars: 0),
            KeywordScoringRule(keyword: "Parked", isRegex: false, caseSensitive: true, weight: 10, contextChars: 0),
            KeywordScoringRule(keyword: "a.b", isRegex: false, caseSensitive: false, weight: 1, contextChars: 0),
        ]
        let text = "This domain is FOR SALE. Other domains:\n  for   sale? parked here. axb"
        let (score, hits) = try KeywordScorer.score(text, rules: rules)
        #expect(hits.map(\.rule) == [0, 1], "case-sensitive 'Parked' and literal 'a.b' do not match")
        #expect(hits[0].count == 1 && hits[0].snippets == ["in is FOR SALE. Othe"], "'for   sale' is not 'for sale'")
        #expect(hits[1].count == 2 && hits[1].snippets == ["domain", "domains"])
        #expect(score == 2.5 + 2)
    }

    @Test func snippetsAreBoundedAndEmptyTextScoresZero() throws {
        let rule = KeywordScoringRule(keyword: "x", isRegex: false, caseSensitive: false, weight: 0.5, contextChars: 1)
        let (score, hits) = try KeywordScorer.score(String(repeating: "x ", count: 20), rules: [rule], snippetsPerRule: 2)
        #expect(hits.first?.count == 20 && hits.first?.snippets.count == 2 && score == 10)
        #expect(try KeywordScorer.score("", rules: [rule]).hits.isEmpty)
    }

    @Test func pageTextDropsMarkupScriptsAndDecodesEntities() {
        let html = """
        <html><head><title>Shop &amp; more</title><style>.sale { color: red }</style></head>
        <body><!-- sale --><p>Domains&nbsp;for <b>sale</b></p><script>var sale = 1;</script></body></html>
        """
        #expect(PageText.visibleText(html: html) == "Shop & more Domains for sale")
    }
}
