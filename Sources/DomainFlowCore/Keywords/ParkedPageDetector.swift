import Foundation

/// Whether a page is a parked domain (a placeholder or a domain for sale rather than a site), from known
/// signatures: parking providers' hosts in the page's links, scripts, frames or its redirects; for-sale
/// phrases; a near-empty page whose content is little but links. Each signal that fires adds its weight;
/// a score of at least `threshold` is parked. Pure.
public enum ParkedPageDetector {
    public struct Verdict: Sendable, Equatable {
        public var score: Double
        /// The signals that fired, e.g. `host:sedoparking.com`, `phrase:buy this domain`, `link-farm`.
        public var signals: [String]
        public var isParked: Bool { score >= ParkedPageDetector.threshold }
        public init(score: Double, signals: [String]) { self.score = score; self.signals = signals }
    }

    public static let threshold = 1.0

    /// Hosts of parking and domain-sale services.
    public static let parkingHosts = [
        "sedoparking.com", "sedo.com", "parkingcrew.net", "bodis.com", "above.com", "dan.com", "afternic.com",
        "hugedomains.com", "parklogic.com", "domainsponsor.com", "trafficz.com", "skenzo.com", "undeveloped.com",
        "uniregistry.com", "namebright.com", "domainmarket.com", "buydomains.com", "parked.com", "parkingpage.namecheap.com",
        "ww1.", "searchvity.com", "sav.com/domain",
    ]

    /// Phrases of for-sale and placeholder pages (matched case-insensitively on the visible text).
    public static let phrases = [
        "this domain is for sale", "this domain may be for sale", "buy this domain", "the domain is for sale",
        "domain is for sale", "make an offer on this domain", "this domain name is for sale", "inquire about this domain",
        "this web page is parked", "this domain is parked", "parked free", "domain parking", "related searches",
        "the owner of this domain", "is available for purchase",
    ]

    /// The page markers, found in one pass over the HTML: each parking host where a host starts (`//host`, `.host`:
    /// `aww1.example` is not `ww1.`, nor `jordan.com` `dan.com`), two patterns per host; then links and frames.
    private static let markup = MultiPatternMatcher(patterns:
        (parkingHosts.flatMap { ["//" + $0, "." + $0] } + ["<a ", "<frameset", "<iframe"]).map { ($0, false) })
    private static let hostPatterns = 2 * parkingHosts.count
    private static let phraseMatcher = MultiPatternMatcher(patterns: phrases.map { ($0, false) })

    /// Judges a page from its raw HTML, its visible text and the URLs it was redirected to (not the one asked
    /// for: a name is not parked for being like a parking host's). One pass over the HTML
    /// and one over the text, whatever the number of signatures.
    public static func judge(html: String, text: String, urls: [String] = []) -> Verdict {
        var score = 0.0
        var signals: [String] = []
        var inHTML = Set<Int>()
        var links = 0, frames = 0
        for match in markup.matches(in: html.scalarValues) {
            switch match.pattern - hostPatterns {
            case 0: links += 1
            case 1, 2: frames += 1
            default: inHTML.insert(match.pattern / 2)
            }
        }
        var inURLs = Set<Int>()
        for url in urls {
            for match in markup.matches(in: url.scalarValues) where match.pattern < hostPatterns {
                inURLs.insert(match.pattern / 2)
            }
        }
        for (index, host) in parkingHosts.enumerated() {
            if inURLs.contains(index) {
                score += 1.0
                signals.append("redirect:\(host)")
            } else if inHTML.contains(index) {
                score += 0.6
                signals.append("host:\(host)")
            }
        }
        let textScalars = text.scalarValues
        var found = Set<Int>()
        for match in phraseMatcher.matches(in: textScalars) { found.insert(match.pattern) }
        for (index, phrase) in phrases.enumerated() where found.contains(index) {
            score += 0.5
            signals.append("phrase:\(phrase)")
        }
        // A link farm: little text, most of it in links.
        var words = 0, inWord = false
        for value in textScalars {
            let space = Unicode.Scalar(value)?.isSpace ?? false
            if !space, !inWord { words += 1 }
            inWord = !space
        }
        if links >= 5, words < links * 6 {
            score += 0.6
            signals.append("link-farm")
        }
        if words < 5, frames > 0 {
            score += 0.6
            signals.append("empty-frame")
        }
        return Verdict(score: (score * 100).rounded() / 100, signals: signals)
    }

    /// The `<title>` of a page's UTF-8 bytes (a body as it came, no String made of it first), whitespace collapsed;
    /// empty when it has none.
    public static func title(utf8 bytes: [UInt8]) -> String {
        guard let open = ASCIISearch.find("<title", in: bytes, from: 0),
              let close = bytes[(open + 6)...].firstIndex(of: UInt8(ascii: ">")),
              let end = ASCIISearch.find("</title", in: bytes, from: close + 1) else { return "" }
        let raw = String(decoding: bytes[(close + 1)..<end], as: UTF8.self)
        return PageText.visibleText(html: String(raw.prefix(1000)))
    }
}
