import DomainFlowClient
import DomainFlowServer
import DomainFlowWire
import Foundation
import Glibc
import Testing

/// TestKeywordSet: text, and real pages fetched from nginx (directly, with a persona, through a proxy).
@Suite struct KeywordSetCheckTests {
    @Test func textAndPagesAreScored() async throws {
        let page = try TestHTTPServices.url("/index.html")
        try await AuthHarness.with(secrets: .random()) { h in try await Self.scores(h, page: page) }
    }

    static func scores(_ h: AuthHarness, page: String) async throws {
        let client = try await h.admin()
        let set = try await client.unary(Methods.createKeywordSet, CreateKeywordSetRequest(name: "gambling", rules: [
            KeywordRule(keyword: "casino", weight: "3.00", category: "gambling", contextChars: 8),
            KeywordRule(keyword: #"bonus(es)?"#, kind: .regex, weight: "1.50"),
            KeywordRule(keyword: "Offers", caseSensitive: true),
            KeywordRule(keyword: "welcome", inactive: true),
            KeywordRule(keyword: "title"),
        ]))
        let text = try await client.unary(Methods.testKeywordSet, TestKeywordSetRequest(id: set.id, text: "Casino! casino bonuses."))
        #expect(text.score == "7.50" && text.matches.map(\.keyword) == ["casino", "bonus(es)?"] && text.matches[0].count == 2)
        #expect(text.matches[0].snippets.first == "Casino! casino" && text.matches[0].category == "gambling")

        let fetched = try await client.unary(Methods.testKeywordSet, TestKeywordSetRequest(id: set.id, url: page))
        #expect(fetched.statusCode == 200 && fetched.errorKind.isEmpty && fetched.finalURL == page)
        #expect(fetched.matches.map(\.keyword) == ["casino", "bonus(es)?"], "'title' is markup, 'welcome' inactive, 'Offers' case-sensitive")
        #expect(fetched.score == "4.50")

        var http = HttpPersona()
        http.timeoutMillis = 10_000  // generous: the suite shares 2 cores; nothing here is timed
        http.followRedirects = true
        http.acceptEncoding = "gzip"  // the page arrives compressed and is scored decoded
        let persona = try await client.unary(Methods.createPersona, PersonaRequest(name: "fetcher", http: http))
        let proxy = try await client.unary(Methods.createProxy, TestHTTPServices.proxy("tiny", .http, "DOMAINFLOW_TEST_HTTP_PROXY"))
        let redirected = try await client.unary(Methods.testKeywordSet, TestKeywordSetRequest(
            id: set.id, url: try TestHTTPServices.url("/redirect"), personaID: persona.id, proxyID: proxy.id))
        #expect(redirected.score == "4.50" && redirected.finalURL == page)
        let dead = try await client.unary(Methods.testKeywordSet, TestKeywordSetRequest(id: set.id, url: "http://127.0.0.1:1/"))
        #expect(dead.errorKind == "connect" && dead.matches.isEmpty)

        await expectCode(.invalidArgument) { try await client.unary(Methods.testKeywordSet, TestKeywordSetRequest(id: set.id)) }
        await expectCode(.invalidArgument) {
            try await client.unary(Methods.testKeywordSet, TestKeywordSetRequest(id: set.id, text: "x", url: page))
        }
        await expectCode(.invalidArgument) {
            try await client.unary(Methods.testKeywordSet, TestKeywordSetRequest(id: set.id, text: "x", proxyID: proxy.id))
        }
        let dnsPersona = try await client.unary(Methods.createPersona, PersonaRequest(name: "dns", dns: PersonaTests.dns()))
        await expectCode(.failedPrecondition) {
            try await client.unary(Methods.testKeywordSet, TestKeywordSetRequest(id: set.id, url: page, personaID: dnsPersona.id))
        }
        _ = try await h.createUser("frank")
        let frank = try await h.client("frank", "a long enough password")
        await expectCode(.notFound) { try await frank.unary(Methods.testKeywordSet, TestKeywordSetRequest(id: set.id, text: "casino")) }
        await client.close(); await frank.close()
    }
}
