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
        let spaced = KeywordScoringRule(keyword: "sale", isRegex: false, caseSensitive: false, weight: 1, contextChars: 4)
        let (_, found) = try KeywordScorer.score("buy\n\n  sale \t now", rules: [spaced])
        #expect(found.first?.snippets == ["sale n"], "whitespace runs collapse to one space and the ends are trimmed")
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

@Suite struct ParkedPageDetectorTests {
    @Test func parkingSignaturesAddUpToParked() {
        let html = #"<html><head><title>example.com is for sale</title></head><body><h1>This domain is for sale!</h1>"# +
            #"<a href="https://sedo.com/search/details/?domain=example.com">Buy this domain</a></body></html>"#
        let verdict = ParkedPageDetector.judge(html: html, text: PageText.visibleText(html: html))
        #expect(verdict.isParked)
        #expect(verdict.signals.contains("host:sedo.com") && verdict.signals.contains("phrase:buy this domain"))
        let redirected = ParkedPageDetector.judge(html: "<html><body>Loading</body></html>", text: "Loading",
                                                  urls: ["http://x.example/", "https://www.sedoparking.com/x"])
        #expect(redirected.isParked && redirected.signals.contains("redirect:sedoparking.com"))
    }

    @Test func aRealPageIsNotParkedAndALinkFarmIs() {
        let page = "<html><body><h1>Acme Casino</h1><p>" + String(repeating: "Welcome to our casino with real games and bonus offers. ", count: 20)
            + "</p><a href=/about>About</a></body></html>"
        #expect(!ParkedPageDetector.judge(html: page, text: PageText.visibleText(html: page)).isParked)
        let farm = "<html><body>" + (0..<12).map { "<a href=\"/q?\($0)\">Cheap \($0)</a>" }.joined() + "</body></html>"
        let verdict = ParkedPageDetector.judge(html: farm, text: PageText.visibleText(html: farm) + " related searches")
        #expect(verdict.isParked && verdict.signals.contains("link-farm"))
        #expect(ParkedPageDetector.title(utf8: Array("<HTML><TITLE>\n  Acme   Casino </TITLE>".utf8)) == "Acme Casino")
        #expect(ParkedPageDetector.title(utf8: Array("<html>no title</html>".utf8)).isEmpty)
        #expect(ParkedPageDetector.title(utf8: Array(#"<head><Title lang="fr">Café – Übersicht</tItLe>"#.utf8)) == "Café – Übersicht")
        #expect(ParkedPageDetector.title(utf8: Array("<title>never closed".utf8)).isEmpty)
        #expect(ParkedPageDetector.title(utf8: Array("<titl".utf8)).isEmpty)
    }

    @Test func parkingHostsInRedirectsIgnoreCase() {
        let verdict = ParkedPageDetector.judge(html: "<p>x</p>", text: "x", urls: ["HTTPS://WWW.SedoParking.COM/landing"])
        #expect(verdict.signals == ["redirect:sedoparking.com"])
    }

    @Test func aParkingHostCountsOnlyWhereAHostStarts() {
        // Names that merely contain a parking host's text: aww1.example is not ww1., jordan.com is not dan.com.
        let own = #"<html><body><a href="https://jordan.com/about">About</a> <a href="http://aww1.web.example/">Home</a></body></html>"#
        let verdict = ParkedPageDetector.judge(html: own, text: "About Home", urls: ["http://aww1.web.example/x", "https://jordan.com/"])
        #expect(verdict.signals.filter { $0.hasPrefix("host:") || $0.hasPrefix("redirect:") }.isEmpty, "\(verdict.signals)")
        let sale = ParkedPageDetector.judge(html: #"<a href="//DAN.com/buy">x</a> <a href="https://www.afternic.com/">y</a>"#, text: "x y",
                                            urls: ["http://ww1.name.example/"])
        #expect(sale.signals == ["host:dan.com", "host:afternic.com", "redirect:ww1."])
    }
}

@Suite struct MultiPatternMatcherTests {
    /// What the matchers scan: read from the UTF-8 directly, it must be the scalars the standard library decodes,
    /// for one-, two-, three- and four-byte sequences and repaired invalid input alike.
    @Test func scalarValuesAreTheUnicodeScalars() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", "Z", " ", "\u{7F}", "é", "ß", "\u{7FF}", "\u{800}", "日", "\u{FFFD}", "\u{FFFF}", "😀", "\u{10FFFF}"]
        for _ in 0..<200 {
            let text = (0..<Int.random(in: 0..<40, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(text.scalarValues == text.unicodeScalars.map(\.value), "\(text)")
        }
        let repaired = String(decoding: [0x61, 0xC3, 0xFF, 0xE6, 0x97, 0x62], as: UTF8.self)  // cut and invalid sequences
        #expect(repaired.scalarValues == repaired.unicodeScalars.map(\.value))
    }

    @Test func findsOverlappingPatternsInOnePass() {
        let matcher = MultiPatternMatcher(patterns: [("he", false), ("she", false), ("his", false), ("hers", false)])
        let text = "ushers".unicodeScalars.map(\.value)
        let found = matcher.matches(in: text).map { "\($0.pattern)@\($0.start)" }
        #expect(found == ["1@1", "0@2", "3@2"], "she, he and hers in 'ushers'")
    }

    @Test func caseAndUnicode() {
        let matcher = MultiPatternMatcher(patterns: [("Straße", false), ("ÉTÉ", true), ("日本", false), ("", false)])
        let text = "STRASSE straße Straße été ÉTÉ 日本語".unicodeScalars.map(\.value)
        let found = matcher.matches(in: text)
        #expect(found.filter { $0.pattern == 0 }.count == 2, "case-insensitive, one scalar for one (ß is not ss)")
        #expect(found.filter { $0.pattern == 1 }.map(\.start) == [26], "case-sensitive")
        #expect(found.filter { $0.pattern == 2 }.count == 1)
        #expect(!found.contains { $0.pattern == 3 }, "an empty pattern never matches")
    }

    /// Every occurrence of every pattern, found naively: what the automaton must find, whether its ASCII
    /// transitions come from the dense table (small pattern sets) or from the trie (past the table's limit),
    /// in text that mixes ASCII and other scalars.
    @Test func findsWhatANaiveSearchFindsWithAndWithoutTheDenseTable() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcé日 ".unicodeScalars)
        func word(_ length: Int) -> String { String(String.UnicodeScalarView((0..<length).map { _ in alphabet.randomElement(using: &generator)! })) }
        let text = (0..<3000).map { _ in alphabet.randomElement(using: &generator)!.value }
        let small = (0..<40).map { _ in word(Int.random(in: 1...4, using: &generator)) }
        // Past MultiPatternMatcher's dense limit (2^15 states): long random patterns, each about its own path.
        let large = small + (0..<2200).map { _ in word(16) }
        for patterns in [small, large] {
            let matcher = MultiPatternMatcher(patterns: patterns.map { ($0, true) })
            let found = Set(matcher.matches(in: text).map { "\($0.pattern)@\($0.start)" })
            var naive = Set<String>()
            for (index, pattern) in patterns.enumerated() {
                let scalars = pattern.unicodeScalars.map(\.value)
                for start in 0...(text.count - scalars.count) where text[start..<start + scalars.count].elementsEqual(scalars) {
                    naive.insert("\(index)@\(start)")
                }
            }
            #expect(found == naive, "\(patterns.count) patterns: \(found.symmetricDifference(naive).prefix(5))")
            #expect(!found.isEmpty)
        }
    }

    @Test func compiledRulesCountLikeARegexScan() {
        let rules = [KeywordScoringRule(keyword: "aa", isRegex: false, caseSensitive: false, weight: 1, contextChars: 1),
                     KeywordScoringRule(keyword: "a", isRegex: false, caseSensitive: false, weight: 0.5, contextChars: 0)]
        let compiled = try! CompiledKeywordRules(rules)
        let (score, hits) = compiled.score("aaaa b AAA")
        #expect(hits.map(\.count) == [3, 7], "non-overlapping per rule: aa|aa and AA(A), seven a's")
        #expect(score == 3 + 3.5)
        #expect(hits[0].snippets.first == "aaa")
    }
}

@Suite struct PageTextTests {
    @Test func aBodyLooksLikeHTMLByAnHTMLTagInItsFirst512Bytes() {
        #expect(PageText.looksLikeHTML(Array("<!doctype html>\n<HTML lang=en><body>hi".utf8)))
        #expect(!PageText.looksLikeHTML(Array("plain text that mentions html but no tag".utf8)))
        #expect(!PageText.looksLikeHTML(Array((String(repeating: " ", count: 600) + "<html>").utf8)), "too far in")
        #expect(PageText.looksLikeHTML(Array((String(repeating: " ", count: 507) + "<html>").utf8)), "the tag ends at byte 512")
    }

    @Test func aBodyIsHTMLByItsMediaTypeInAnyCaseOrByItsTagWithoutOne() {
        let page = Array("<html><body>hi</body></html>".utf8), plain = Array("just text".utf8)
        #expect(PageText.isHTML(contentType: "text/html; charset=utf-8", body: plain))
        #expect(PageText.isHTML(contentType: "Application/XHTML+XML", body: plain))
        #expect(!PageText.isHTML(contentType: "text/plain; note=html", body: page), "a parameter naming html is not the media type")
        #expect(!PageText.isHTML(contentType: "application/json", body: page))
        #expect(PageText.isHTML(contentType: nil, body: page) && PageText.isHTML(contentType: "", body: page))
        #expect(!PageText.isHTML(contentType: nil, body: plain))
    }

    @Test func dropsMarkupInOnePassLikeTheRegexesDid() {
        #expect(PageText.visibleText(html: "<p>a<br>b</p>") == "a b")
        #expect(PageText.visibleText(html: "x <SCRIPT type=\"t\">if (a < b) { casino() }</Script > y") == "x y")
        #expect(PageText.visibleText(html: "<scripts>kept</scripts>") == "kept", "only the element named script is code")
        #expect(PageText.visibleText(html: "a <!-- <p>hidden</p> --> b <!-- never closed") == "a b <!-- never closed")
        #expect(PageText.visibleText(html: "5 < 6 and 7 > 3") == "5 3", "a '<' opens a tag to the next '>' (as before)")
        #expect(PageText.visibleText(html: "tail <") == "tail <", "no '>': kept as text")
        #expect(PageText.visibleText(html: "Caf\u{E9}\u{A0}&amp;&nbsp;th\u{E9} &lt;b&gt; \t\n ok") == "Caf\u{E9} & th\u{E9} <b> ok")
        #expect(PageText.visibleText(html: "") == "" && PageText.visibleText(html: "   ") == "")
    }
}
