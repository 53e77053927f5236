import DomainFlowClient
import DomainFlowServer
import DomainFlowWire
import Foundation
import Glibc
import Testing

/// The loopback servers `Scripts/http-throwaway` starts for these tests (nginx, tinyproxy twice, dante).
enum TestHTTPServices {
    static func address(_ variable: String) throws -> (host: String, port: UInt32) {
        guard let value = ProcessInfo.processInfo.environment[variable], let colon = value.lastIndex(of: ":"),
              let port = UInt32(value[value.index(after: colon)...]) else {
            throw TestFailure("\(variable) is not set: run the tests with Scripts/test, which starts nginx, tinyproxy and dante")
        }
        return (String(value[..<colon]), port)
    }

    static func url(_ path: String, tls: Bool = false) throws -> String {
        let (host, port) = try address(tls ? "DOMAINFLOW_TEST_HTTPS" : "DOMAINFLOW_TEST_HTTP")
        return "\(tls ? "https" : "http")://\(host):\(port)\(path)"
    }

    static func proxy(_ name: String, _ kind: ProxyProtocol, _ variable: String, username: String = "", password: String = "") throws -> ProxyRequest {
        let (host, port) = try address(variable)
        return ProxyRequest(name: name, proxyProtocol: kind, host: host, port: port, username: username, password: password)
    }

    /// A TCP port that accepts connections (the kernel completes them) but never answers.
    static func silentListener() throws -> (fd: Int32, port: UInt32) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 16) == 0 else { throw TestFailure("cannot listen on loopback") }
        return (fd, UInt32(UInt16(bigEndian: address.sin_port)))
    }
}

/// TestProxy and CheckAllProxies through real proxies (tinyproxy with and without basic auth, dante for
/// SOCKS5 and SOCKS4) to a real nginx.
@Suite struct ProxyCheckTests {
    @Test func everyProtocolIsCheckedAndTheOutcomeRecorded() async throws {
        let url = try TestHTTPServices.url("/index.html")
        try await AuthHarness.with(secrets: .random()) { h in try await Self.checkEach(h, url: url) }
    }

    static func checkEach(_ h: AuthHarness, url: String) async throws {
        let client = try await h.admin()
        func create(_ request: ProxyRequest) async throws -> ProxyInfo { try await client.unary(Methods.createProxy, request) }
        let open = try await create(TestHTTPServices.proxy("tinyproxy", .http, "DOMAINFLOW_TEST_HTTP_PROXY"))
        let tunnel = try await create(TestHTTPServices.proxy("tinyproxy-connect", .https, "DOMAINFLOW_TEST_HTTP_PROXY"))
        let authed = try await create(TestHTTPServices.proxy("tinyproxy-auth", .http, "DOMAINFLOW_TEST_HTTP_PROXY_AUTH",
                                                             username: "dfuser", password: "df-proxy-secret"))
        let authedTunnel = try await create(TestHTTPServices.proxy("tinyproxy-auth-connect", .https, "DOMAINFLOW_TEST_HTTP_PROXY_AUTH",
                                                                   username: "dfuser", password: "df-proxy-secret"))
        let noPassword = try await create(TestHTTPServices.proxy("tinyproxy-auth-missing", .http, "DOMAINFLOW_TEST_HTTP_PROXY_AUTH"))
        let wrongPassword = try await create(TestHTTPServices.proxy("tinyproxy-auth-wrong", .https, "DOMAINFLOW_TEST_HTTP_PROXY_AUTH",
                                                                    username: "dfuser", password: "not-the-password"))
        let socks5 = try await create(TestHTTPServices.proxy("dante-5", .socks5, "DOMAINFLOW_TEST_SOCKS"))
        let socks4 = try await create(TestHTTPServices.proxy("dante-4", .socks4, "DOMAINFLOW_TEST_SOCKS"))
        let socksAuth = try await create(TestHTTPServices.proxy("microsocks", .socks5, "DOMAINFLOW_TEST_SOCKS_AUTH",
                                                                username: "dfsocks", password: "df-socks-secret"))
        let socksWrong = try await create(TestHTTPServices.proxy("microsocks-wrong", .socks5, "DOMAINFLOW_TEST_SOCKS_AUTH",
                                                                 username: "dfsocks", password: "not-it"))
        let socksNone = try await create(TestHTTPServices.proxy("microsocks-none", .socks5, "DOMAINFLOW_TEST_SOCKS_AUTH"))
        let dead = try await create(ProxyRequest(name: "dead", proxyProtocol: .http, host: "127.0.0.1", port: 1))

        for proxy in [open, tunnel, authed, authedTunnel, socks5, socks4, socksAuth] {
            let result = try await client.unary(Methods.testProxy, TestProxyRequest(id: proxy.id, url: url))
            #expect(result.healthy && result.statusCode == 200 && result.status == "200 OK" && result.latencyMs > 0,
                    "\(proxy.name): \(result.status)")
            let stored = try await client.unary(Methods.getProxy, IDRequest(id: proxy.id))
            #expect(stored.healthy && stored.lastStatus == "200 OK" && stored.lastCheckedAtMicros == result.checkedAtMicros
                    && stored.latencyMs == result.latencyMs, "\(proxy.name) records the check")
        }
        let missing = try await client.unary(Methods.testProxy, TestProxyRequest(id: noPassword.id, url: url))
        #expect(!missing.healthy && missing.statusCode == 407, "a plain HTTP proxy answers 407 itself: \(missing.status)")
        let wrong = try await client.unary(Methods.testProxy, TestProxyRequest(id: wrongPassword.id, url: url))
        #expect(!wrong.healthy && wrong.errorKind == "proxy_authentication" && wrong.statusCode == 0, "\(wrong.status)")
        for proxy in [socksWrong, socksNone] {
            let refused = try await client.unary(Methods.testProxy, TestProxyRequest(id: proxy.id, url: url))
            #expect(!refused.healthy && refused.errorKind == "proxy_authentication", "\(proxy.name): \(refused.status)")
        }

        let start = ContinuousClock.now
        let refused = try await client.unary(Methods.testProxy, TestProxyRequest(id: dead.id, url: url))
        #expect(ContinuousClock.now - start < .seconds(5), "a dead port fails fast, not at the timeout")
        #expect(!refused.healthy && refused.errorKind == "connect" && refused.status.contains("refused"), "\(refused.status)")
        let stored = try await client.unary(Methods.getProxy, IDRequest(id: dead.id))
        #expect(!stored.healthy && stored.lastStatus.contains("refused") && stored.lastCheckedAtMicros > 0 && stored.latencyMs == 0)
        #expect(try await h.count("SELECT count(*) FROM audit_logs WHERE action = 'proxy_test'") == 12)

        // CheckAllProxies: every enabled proxy, each result streamed as it lands and recorded.
        var disable = try TestHTTPServices.proxy("dante-4", .socks4, "DOMAINFLOW_TEST_SOCKS")
        disable.id = socks4.id
        disable.disabled = true
        _ = try await client.unary(Methods.updateProxy, disable)
        _ = try await h.store.pool.withConnection { c in try c.simpleQuery("UPDATE proxies SET is_healthy = NULL, last_checked_at = NULL") }
        var results: [ProxyCheckResult] = []
        for try await result in try client.serverStream(Methods.checkAllProxies, CheckAllProxiesRequest(url: url, concurrency: 3)) {
            results.append(result)
        }
        #expect(results.count == 11 && Set(results.map(\.proxyID)).count == 11 && !results.contains { $0.proxyID == socks4.id })
        #expect(results.filter(\.healthy).count == 6)
        #expect(try await h.count("SELECT count(*) FROM proxies WHERE last_checked_at IS NOT NULL") == 11)
        #expect(try await h.count("SELECT count(*) FROM proxies WHERE is_healthy") == 6)
        await client.close()
    }

    @Test func badRequestsAndOwnership() async throws {
        let url = try TestHTTPServices.url("/")
        try await AuthHarness.with(secrets: .random()) { h in try await Self.refusals(h, url: url) }
    }

    static func refusals(_ h: AuthHarness, url: String) async throws {
        let admin = try await h.admin()
        _ = try await h.createUser("carol")
        let carol = try await h.client("carol", "a long enough password")
        let proxy = try await admin.unary(Methods.createProxy, TestHTTPServices.proxy("admins", .http, "DOMAINFLOW_TEST_HTTP_PROXY"))
        await expectCode(.notFound) { try await carol.unary(Methods.testProxy, TestProxyRequest(id: proxy.id, url: url)) }
        var all: [ProxyCheckResult] = []
        for try await result in try carol.serverStream(Methods.checkAllProxies, CheckAllProxiesRequest(url: url)) { all.append(result) }
        #expect(all.isEmpty, "carol sees none of the admin's proxies")
        for bad in ["ftp://example.com/", "not a url", "http://", "/relative"] {
            await expectCode(.invalidArgument) { try await admin.unary(Methods.testProxy, TestProxyRequest(id: proxy.id, url: bad)) }
        }
        await expectCode(.invalidArgument) { try await admin.unary(Methods.testProxy, TestProxyRequest(id: "nope", url: url)) }
        await expectCode(.invalidArgument) {
            for try await _ in try admin.serverStream(Methods.checkAllProxies, CheckAllProxiesRequest(url: url, concurrency: 65)) {}
        }
        #expect(try await h.count("SELECT count(*) FROM proxies WHERE last_checked_at IS NOT NULL") == 0, "nothing recorded")

        // A stored password this server cannot unseal: that proxy cannot be tested, but it does not stop the others.
        let broken = try await admin.unary(Methods.createProxy, TestHTTPServices.proxy("broken", .http, "DOMAINFLOW_TEST_HTTP_PROXY_AUTH",
                                                                                     username: "dfuser", password: "df-proxy-secret"))
        _ = try await h.store.pool.withConnection { c in
            try c.simpleQuery("UPDATE proxies SET password_hash = 'v1:AAAA' WHERE id = '\(broken.id)'")
        }
        let error = await expectCode(.failedPrecondition) { try await admin.unary(Methods.testProxy, TestProxyRequest(id: broken.id, url: url)) }
        #expect(error?.message.contains("unsealed") == true)
        var results: [ProxyCheckResult] = []
        for try await result in try admin.serverStream(Methods.checkAllProxies, CheckAllProxiesRequest(url: url)) { results.append(result) }
        #expect(results.count == 2 && results.first { $0.proxyID == broken.id }?.errorKind == "configuration"
                && results.first { $0.proxyID == proxy.id }?.healthy == true)
        #expect(try await h.count("SELECT count(*) FROM proxies WHERE last_checked_at IS NOT NULL") == 1, "the broken one is not marked unhealthy")
        await admin.close(); await carol.close()
    }
}

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
        http.headers = [HTTPHeader(name: "X-DF-Test", value: "persona-header")]
        http.timeoutMillis = 3000
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
        #expect(looping.statusCode == 0 && looping.errorKind == "too_many_redirects")

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
        #expect(strict.errorKind == "tls" && strict.statusCode == 0, "a self-signed certificate fails verification: \(strict.error)")
        let lax = try await persona(client, "lax") { $0.skipTLSVerification = true }
        #expect(try await test(lax, "/", tls: true).statusCode == 200)

        let (fd, port) = try TestHTTPServices.silentListener()
        defer { close(fd) }
        let quick = try await persona(client, "quick") { $0.timeoutMillis = 300 }
        let start = ContinuousClock.now
        let silent = try await client.unary(Methods.testHttpPersona, TestHttpPersonaRequest(id: quick, url: "http://127.0.0.1:\(port)/"))
        #expect(silent.errorKind == "timeout" && ContinuousClock.now - start < .seconds(3))

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
        http.timeoutMillis = 2000
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
