@testable import DomainFlowStore
import DomainFlowClient
import DomainFlowServer
import DomainFlowWire
import Foundation
import Glibc
import Testing

/// TestProxy and CheckAllProxies through real proxies (tinyproxy with and without basic auth, dante for
/// SOCKS5 and SOCKS4) to a real nginx.
@Suite struct ProxyCheckTests {
    @Test func everyProtocolIsCheckedAndTheOutcomeRecorded() async throws {
        let url = try TestHTTPServices.url("/index.html")
        try await AuthHarness.with(secrets: .random()) { h in try await Self.checkEach(h, url: url) }
    }

    static func checkEach(_ h: AuthHarness, url: String) async throws {
        let client = try await h.admin()
        func create(_ request: ProxyRequest) async throws -> Proxy { try await client.unary(Methods.createProxy, request) }
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
        let dead = try await create(ProxyRequest(name: "dead", protocol: .http, host: "127.0.0.1", port: 1))

        for proxy in [open, tunnel, authed, authedTunnel, socks5, socks4, socksAuth] {
            let result = try await client.unary(Methods.testProxy, TestProxyRequest(id: proxy.id, url: url))
            #expect(result.healthy && result.statusCode == 200 && result.status == "200 OK" && result.latencyMs > 0,
                    "\(proxy.name): \(result.status)")
            let stored = try await client.unary(Methods.getProxy, .init(id: proxy.id))
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

        let refused = try await client.unary(Methods.testProxy, TestProxyRequest(id: dead.id, url: url))
        // Fast: a refused connection, not the check timeout (that would be error_kind "timeout"; no clock in a test).
        #expect(!refused.healthy && refused.errorKind == "connect" && refused.status.contains("refused"), "\(refused.status)")
        let stored = try await client.unary(Methods.getProxy, .init(id: dead.id))
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
