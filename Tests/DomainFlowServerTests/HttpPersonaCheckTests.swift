import DomainFlowClient
import DomainFlowServer
import DomainFlowWire
import Foundation
import Glibc
import Testing

/// TestHttpPersona against nginx: headers sent in the persona's name, redirects, cookies, body limits,
/// allowed statuses, TLS verification, timeouts, and fetching through a proxy.
@Suite struct HttpPersonaCheckTests {
    @Test func personaFetchesAreRealAndReported() async throws {
        _ = try TestHTTPServices.url("/")
        try await AuthHarness.with(secrets: .random()) { h in try await Self.fetches(h) }
    }

    /// The size of the fixture page `Scripts/http-throwaway` serves at /index.html.
    static func indexBytes() -> UInt64 {
        UInt64("<html><head><title>DomainFlow test page</title></head><body>Welcome to the dftest fixture: casino bonus offers.</body></html>\n".utf8.count)
    }

    static func persona(_ client: DomainFlowClient, _ name: String, _ change: (inout HttpPersona) -> Void = { _ in }) async throws -> String {
        var http = HttpPersona()
        http.userAgent = "DomainFlowBot/2.0 (+test)"
        http.acceptLanguage = "de-CH"
        http.headers = [HttpHeader(name: "X-DF-Test", value: "persona-header")]
        http.timeoutMillis = 15_000  // generous: the whole suite shares 2 cores; nothing here is timed
        http.followRedirects = true
        http.maxRedirects = 5
        change(&http)
        return try await client.unary(Methods.createPersona, PersonaRequest(name: name, http: http)).id
    }

    static func fetches(_ h: AuthHarness) async throws {
        let client = try await h.admin()
        func test(_ id: String, _ path: String, tls: Bool = false, proxy: String = "") async throws -> TestHttpPersonaResponse {
            try await client.unary(Methods.testHttpPersona, TestHttpPersonaRequest(id: id, url: try TestHTTPServices.url(path, tls: tls), proxyID: proxy))
        }
        func header(_ r: TestHttpPersonaResponse, _ name: String) -> String? { r.headers.first { $0.name == name }?.value }
        let browser = try await persona(client, "browser")

        let echo = try await test(browser, "/echo")
        #expect(echo.allowed && echo.statusCode == 200 && echo.bytesRead == 5 && echo.errorKind.isEmpty)
        #expect(header(echo, "X-Echo-User-Agent") == "DomainFlowBot/2.0 (+test)" && header(echo, "X-Echo-Accept-Language") == "de-CH"
                && header(echo, "X-Echo-Test") == "persona-header", "the persona's identity went out: \(echo.headers)")

        let redirected = try await test(browser, "/redirect")
        let (index, redirect, hop) = (try TestHTTPServices.url("/index.html"), try TestHTTPServices.url("/redirect"), try TestHTTPServices.url("/hop"))
        #expect(redirected.statusCode == 200 && redirected.finalURL == index)
        #expect(redirected.redirects == [redirect, hop])
        let looping = try await test(browser, "/loop")
        #expect(looping.statusCode == 0 && looping.errorKind == "too_many_redirects", "\(looping.errorKind): \(looping.error)")

        let stay = try await persona(client, "no-redirects") { $0.followRedirects = false }
        let notFollowed = try await test(stay, "/redirect")
        #expect(notFollowed.statusCode == 302 && notFollowed.allowed && notFollowed.redirects.isEmpty)

        let cookies = try await persona(client, "cookies") { $0.keepCookies = true }
        #expect(header(try await test(cookies, "/set-cookie"), "X-Echo-Cookie") == "df_session=abc123")
        #expect(header(try await test(browser, "/set-cookie"), "X-Echo-Cookie") == nil, "cookies dropped unless kept")

        let gzip = try await persona(client, "gzip") { $0.acceptEncoding = "gzip" }
        let compressed = try await test(gzip, "/index.html")
        #expect(header(compressed, "Content-Encoding") == "gzip" && compressed.bytesRead == Self.indexBytes(),
                "a gzip body is decoded: bytes read are the page's")
        #expect(try await test(browser, "/index.html").bytesRead == Self.indexBytes())
        let bigCompressed = try await test(gzip, "/big.html")
        #expect(header(bigCompressed, "Content-Encoding") == "gzip" && bigCompressed.bytesRead == 300_000, "300,000 bytes arrive as a few hundred")

        let small = try await persona(client, "small") { $0.maxBodyBytes = 1000 }
        let big = try await test(small, "/big.html")
        #expect(big.statusCode == 200 && big.bytesRead == 1000 && big.truncated)
        #expect(try await test(browser, "/big.html").bytesRead == 300_000)

        let teapot = try await test(browser, "/teapot")
        #expect(teapot.statusCode == 418 && !teapot.allowed, "418 is outside the default 200-399")
        let tolerant = try await persona(client, "tolerant") { $0.allowedStatusCodes = [418] }
        #expect(try await test(tolerant, "/teapot").allowed)

        let strict = try await test(browser, "/", tls: true)
        #expect(strict.errorKind == "tls" && strict.statusCode == 0 && strict.error.hasPrefix("the server's certificate did not verify"),
                "a self-signed certificate fails verification: \(strict.error)")
        let lax = try await persona(client, "lax") { $0.skipTLSVerification = true }
        #expect(try await test(lax, "/", tls: true).statusCode == 200)

        let (fd, port) = try TestHTTPServices.silentListener()
        defer { close(fd) }
        let quick = try await persona(client, "quick") { $0.timeoutMillis = 300 }
        let silent = try await client.unary(Methods.testHttpPersona, TestHttpPersonaRequest(id: quick, url: "http://127.0.0.1:\(port)/"))
        #expect(silent.errorKind == "timeout" && silent.statusCode == 0, "a server that never answers ends at the persona's timeout")

        let socks = try await client.unary(Methods.createProxy, TestHTTPServices.proxy("dante", .socks5, "DOMAINFLOW_TEST_SOCKS"))
        let viaSocks = try await test(browser, "/echo", proxy: socks.id)
        #expect(viaSocks.statusCode == 200 && header(viaSocks, "X-Echo-User-Agent") == "DomainFlowBot/2.0 (+test)")
        let connect = try await client.unary(Methods.createProxy, TestHTTPServices.proxy("connect", .https, "DOMAINFLOW_TEST_HTTP_PROXY"))
        #expect(try await test(lax, "/", tls: true, proxy: connect.id).statusCode == 200, "TLS inside a CONNECT tunnel")

        let dns = try await client.unary(Methods.createPersona, PersonaRequest(name: "resolver", dns: PersonaTests.dns()))
        await expectCode(.failedPrecondition) { try await test(dns.id, "/") }
        await expectCode(.invalidArgument) {
            try await client.unary(Methods.testHttpPersona, TestHttpPersonaRequest(id: browser, url: "gopher://example.com/"))
        }
        _ = try await h.createUser("dave")
        let dave = try await h.client("dave", "a long enough password")
        await expectCode(.notFound) {
            try await dave.unary(Methods.testHttpPersona, TestHttpPersonaRequest(id: browser, url: try TestHTTPServices.url("/")))
        }
        let davesPersona = try await persona(dave, "daves")
        await expectCode(.notFound, { try await dave.unary(Methods.testHttpPersona,
            TestHttpPersonaRequest(id: davesPersona, url: try TestHTTPServices.url("/"), proxyID: socks.id)) })
        await client.close(); await dave.close()
    }
}
