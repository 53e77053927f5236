import DomainFlowClient
import DomainFlowServer
import DomainFlowWire
import Foundation
import Testing

/// HTTP keyword campaigns end to end: names resolved by nsd (the fixture zone) and fetched from nginx's
/// virtual hosts on 127.0.0.1 (`Scripts/http-throwaway`), directly and through tinyproxy and dante.
@Suite struct HTTPCampaignTests {
    static let sites = ["lead.dftest.example", "parked.dftest.example", "plain.dftest.example", "hop.dftest.example",
                        "broken.dftest.example", "closed.dftest.example", "nope.dftest.example"]

    struct World {
        let dnsPersona: String, httpPersona: String, keywordSet: String
        let httpPort: UInt32, httpsPort: UInt32
    }

    static func world(_ client: DomainFlowClient, verifyTLS: Bool = false) async throws -> World {
        let nsd = try DNSCampaignTests.address("DOMAINFLOW_TEST_DNS")
        let suffix = verifyTLS ? "-verifying" : ""
        let dns = try await DNSCampaignTests.persona(client, "dns" + suffix, resolvers: [nsd], types: ["A"])
        var http = HttpPersona()
        http.userAgent = "DomainFlow-test/1.0"
        http.timeoutMillis = 10_000  // generous: the suite shares 2 cores
        http.followRedirects = true
        http.maxRedirects = 5
        http.skipTLSVerification = !verifyTLS
        let persona = try await client.unary(Methods.createPersona, PersonaRequest(name: "web" + suffix, http: http)).id
        let set = try await client.unary(Methods.createKeywordSet, CreateKeywordSetRequest(name: "casino" + suffix, rules: [
            KeywordRule(keyword: "casino"), KeywordRule(keyword: "bonus", weight: "2.0"),
        ])).id
        let (_, httpPort) = try TestHTTPServices.address("DOMAINFLOW_TEST_HTTP")
        let (_, httpsPort) = try TestHTTPServices.address("DOMAINFLOW_TEST_HTTPS")
        return World(dnsPersona: dns, httpPersona: persona, keywordSet: set, httpPort: httpPort, httpsPort: httpsPort)
    }

    static func options(_ w: World, _ configure: (inout HttpCampaignOptions) -> Void = { _ in }) -> HttpCampaignOptions {
        var o = HttpCampaignOptions()
        o.httpPort = w.httpPort
        o.httpsPort = w.httpsPort
        configure(&o)
        return o
    }

    /// A DNS campaign over `names`, run to its end.
    static func dns(_ client: DomainFlowClient, _ w: World, names: [String]) async throws -> Campaign {
        try await DNSCampaignTests.run(client, "dns-\(UUID().uuidString.prefix(6))", lines: names, personas: [w.dnsPersona])
    }

    static func http(_ client: DomainFlowClient, _ w: World, source: String, personas: [String]? = nil, proxies: [String] = [],
                     options: HttpCampaignOptions) async throws -> Campaign {
        let created = try await client.unary(Methods.createCampaign, CreateCampaignRequest(
            name: "http-\(UUID().uuidString.prefix(6))", type: .httpKeywordValidation, generation: nil, start: true,
            sourceCampaignID: source, http: options).with(CampaignResources(httpPersonaIDs: personas ?? [w.httpPersona], proxyIDs: proxies, keywordSetIDs: [w.keywordSet])))
        return try await DNSCampaignTests.waitUntilEnded(client, created.id)
    }

    /// An HTTP campaign over an uploaded list, started with the upload and run to its end.
    static func list(_ client: DomainFlowClient, _ w: World, _ name: String, lines: [String],
                     options: HttpCampaignOptions) async throws -> (DomainFlowClient.UploadReport, Campaign) {
        let created = try await client.unary(Methods.createCampaign, CreateCampaignRequest(
            name: name, type: .httpKeywordValidation, generation: nil,
            uploadInput: true, http: options).with(CampaignResources(dnsPersonaIDs: [w.dnsPersona], httpPersonaIDs: [w.httpPersona], keywordSetIDs: [w.keywordSet])))
        let stream = AsyncStream<String> { c in lines.forEach { c.yield($0) }; c.finish() }
        let report = try await client.uploadCampaignInput(campaignID: created.id, lines: stream, start: true)
        return (report, try await DNSCampaignTests.waitUntilEnded(client, created.id))
    }

    static func results(_ client: DomainFlowClient, _ id: String, _ configure: (inout StreamHttpResultsRequest) -> Void = { _ in })
        async throws -> [HttpResult] {
        var request = StreamHttpResultsRequest(id: id, fromStart: true)
        configure(&request)
        var all: [HttpResult] = []
        for try await r in try client.serverStream(Methods.streamHttpResults, request) { all.append(r) }
        return all
    }

    @Test func everyPageIsToldApartAndTheLeadsAreFound() async throws {
        try await AuthHarness.with { h in
            let client = try await h.admin()
            let w = try await Self.world(client)
            let dns = try await Self.dns(client, w, names: Self.sites)
            let final = try await Self.http(client, w, source: dns.id, options: Self.options(w))
            #expect(final.status == .completed, "\(final.errorMessage)")
            let rows = try await Self.results(client, final.id)
            #expect(rows.map(\.domainName) == Array(Self.sites.dropLast()), "every live name once, in input order; NXDOMAIN is not fetched")
            func row(_ name: String) throws -> HttpResult { try #require(rows.first { $0.domainName == name }) }

            let lead = try row("lead.dftest.example")
            #expect(lead.isLead && lead.businessStatus == "lead_valid" && lead.outcome == "lead" && lead.statusCode == 200)
            #expect(lead.title == "Acme Casino")
            #expect(lead.keywords.map(\.keyword) == ["casino", "bonus"])
            #expect(lead.keywords.first { $0.keyword == "casino" }?.count == 5, "visible text only: the script's 'casino' does not count")
            #expect(lead.score == 5 + 2, "Σ weight × occurrences")
            #expect(lead.url.hasPrefix("https://lead.dftest.example:") && lead.address == "127.0.0.1", "https first, at the stored address")
            #expect(lead.bodySHA256.count == 64 && lead.bodyBytes > 0 && lead.httpVersion == "HTTP/1.1" && lead.server.hasPrefix("nginx"))

            let parked = try row("parked.dftest.example")
            #expect(parked.parked && !parked.isLead && parked.businessStatus == "parked")
            #expect(parked.parkedSignals.contains("host:sedo.com") && parked.parkedSignals.contains("phrase:buy this domain"))
            #expect(parked.keywords.map(\.keyword) == ["casino"], "scored, still never a lead")
            let plain = try row("plain.dftest.example")
            #expect(plain.outcome == "no_keywords" && plain.businessStatus == "http_valid_no_keywords" && plain.keywords.isEmpty)
            let hop = try row("hop.dftest.example")
            #expect(hop.isLead && hop.finalURL.hasSuffix("/final.html") && hop.redirects.count == 2, "\(hop.redirects)")
            #expect(lead.bodySHA256.allSatisfy { "0123456789abcdef".contains($0) }, "lower-case hex: \(lead.bodySHA256)")
            #expect(hop.bodySHA256 == lead.bodySHA256 && parked.bodySHA256 != lead.bodySHA256, "final.html is a copy of the lead page")
            let broken = try row("broken.dftest.example")
            #expect(broken.statusCode == 500 && broken.outcome == "http_status" && broken.businessStatus == "http_invalid" && broken.keywords.isEmpty)
            let closed = try row("closed.dftest.example")
            #expect(closed.statusCode == 0 && closed.errorKind == "connect" && closed.businessStatus == "http_invalid")
            #expect(closed.error.contains("https:") && closed.error.contains("http:"), "both schemes were tried: \(closed.error)")

            #expect(final.count(of: "lead") == 2 && final.count(of: "parked") == 1 && final.count(of: "connect") == 1)
            #expect(try await Self.results(client, final.id) { $0.leadsOnly = true }.map(\.domainName) == ["lead.dftest.example", "hop.dftest.example"])
            #expect(try await Self.results(client, final.id) { $0.minScore = 7 }.count == 2)
            #expect(try await Self.results(client, final.id) { $0.minScore = 8 }.isEmpty)
            // The pipeline's leads through any of its campaigns; keyword rows; the roll-up on the names.
            #expect(try await Self.results(client, dns.id) { $0.leadsOnly = true }.count == 2)
            #expect(try await h.count("SELECT count(*) FROM http_keyword_results WHERE campaign_id = '\(final.id)' AND found") == 5)
            #expect(try await h.count("SELECT count(*) FROM generated_domains WHERE campaign_id = '\(dns.id)' AND business_status = 'lead'") == 2)
            #expect(try await h.count("SELECT count(*) FROM http_fetch_summaries WHERE campaign_id = '\(final.id)'") == 6)

            // The export: the same rows; the leads of the pipeline through any campaign; one row per matched keyword.
            ExportTests.expectSame(try await ExportTests.jsonl(client, final.id), rows)
            ExportTests.expectSame(try await ExportTests.jsonl(client, final.id) { $0.minScore = 7 },
                                   try await Self.results(client, final.id) { $0.minScore = 7 })
            let leads = try await ExportTests.jsonl(client, dns.id, kind: .leads)
            #expect(leads.map { $0["domain_name"] as? String } == ["lead.dftest.example", "hop.dftest.example"])
            #expect(leads.first?["keywords"] as? [String] == ["casino×5", "bonus×1"] && leads.first?["title"] as? String == "Acme Casino")
            let keywordRows = try await ExportTests.jsonl(client, final.id, kind: .httpKeywords)
            #expect(keywordRows.count == rows.map(\.keywords.count).reduce(0, +))
            #expect(keywordRows.first?["keyword"] as? String == "casino" && keywordRows.first?["occurrences"] as? Int == 5)
            var csv = ExportCampaignResultsRequest(id: final.id, format: .csv)
            csv.header = true
            let csvLines = String(decoding: try await ExportTests.export(client, csv).bytes, as: UTF8.self).split(separator: "\n")
            #expect(csvLines.first == "domain_name,url,final_url,status_code,title,business_status,outcome,score,parked,keywords,error_kind,error,response_time_ms,redirects,address,offset")
            #expect(csvLines.contains { $0.hasPrefix("lead.dftest.example,https://") && $0.contains(",lead_valid,lead,7.00,false,casino×5 bonus×1,") })

            // A persona that verifies certificates: the self-signed https fails (TLS), http is tried next.
            let strict = try await Self.world(client, verifyTLS: true)
            let verified = try await Self.http(client, w, source: dns.id, personas: [strict.httpPersona],
                                               options: Self.options(w) { $0.minScore = 6 })
            let strictRows = try await Self.results(client, verified.id)
            let strictLead = try #require(strictRows.first { $0.domainName == "lead.dftest.example" })
            #expect(strictLead.isLead && strictLead.finalURL.hasPrefix("http://"), "\(strictLead.finalURL) \(strictLead.error)")
            await client.close()
        }
    }

    /// HTTP/2 when the persona allows it (ALPN h2 with nginx), a gzip body decoded, a 10 MB page read up to the
    /// body limit and still scored, and a slow endpoint that runs into the persona's timeout.
    @Test func http2GzipHugePagesAndSlowEndpoints() async throws {
        try await AuthHarness.with { h in
            let client = try await h.admin()
            let w = try await Self.world(client)
            var modern = HttpPersona()
            modern.userAgent = "DomainFlow-test/2.0"
            modern.acceptEncoding = "gzip"
            modern.allowHTTP2 = true
            modern.skipTLSVerification = true
            modern.timeoutMillis = 20_000
            let h2 = try await client.unary(Methods.createPersona, PersonaRequest(name: "h2", http: modern)).id
            let dns = try await Self.dns(client, w, names: ["lead.dftest.example", "huge.dftest.example"])
            let final = try await Self.http(client, w, source: dns.id, personas: [h2], options: Self.options(w))
            #expect(final.status == .completed, "\(final.errorMessage)")
            let rows = try await Self.results(client, final.id)
            let lead = try #require(rows.first { $0.domainName == "lead.dftest.example" })
            #expect(lead.httpVersion == "HTTP/2" && lead.url.hasPrefix("https://"), "\(lead.httpVersion) \(lead.url) \(lead.error)")
            #expect(lead.isLead && lead.keywords.first { $0.keyword == "casino" }?.count == 5, "the gzip body was decoded and scored")
            let huge = try #require(rows.first { $0.domainName == "huge.dftest.example" })
            #expect(huge.statusCode == 200 && huge.bodyBytes == 1 << 20, "read up to the default 1 MiB limit: \(huge.bodyBytes)")
            #expect(huge.isLead && huge.keywords.map(\.keyword) == ["casino", "bonus"], "a truncated body is still scored")

            var impatient = HttpPersona()
            impatient.timeoutMillis = 4000
            impatient.skipTLSVerification = true
            let quick = try await client.unary(Methods.createPersona, PersonaRequest(name: "impatient", http: impatient)).id
            let slowDNS = try await Self.dns(client, w, names: ["slow.dftest.example"])
            let slow = try await Self.http(client, w, source: slowDNS.id, personas: [quick], options: Self.options(w) { $0.schemes = ["http"] })
            let slowRow = try #require(try await Self.results(client, slow.id).first)
            #expect(slowRow.errorKind == "timeout" && slowRow.outcome == "timeout" && !slowRow.isLead,
                    "a page that trickles out runs into the timeout: \(slowRow.errorKind) \(slowRow.error)")
            await client.close()
        }
    }

    @Test func proxiesCarryTheFetchesAndADeadOneIsMarkedUnhealthy() async throws {
        let (tinyHost, tinyPort) = try TestHTTPServices.address("DOMAINFLOW_TEST_HTTP_PROXY")
        let (socksHost, socksPort) = try TestHTTPServices.address("DOMAINFLOW_TEST_SOCKS")
        try await AuthHarness.with { h in
            let client = try await h.admin()
            let w = try await Self.world(client)
            let dead = try await client.unary(Methods.createProxy, ProxyRequest(name: "dead", protocol: .http, host: "127.0.0.1", port: 1)).id
            let tiny = try await client.unary(Methods.createProxy, ProxyRequest(name: "tiny", protocol: .http, host: tinyHost, port: tinyPort)).id
            let socks = try await client.unary(Methods.createProxy, ProxyRequest(name: "dante", protocol: .socks5, host: socksHost, port: socksPort)).id
            let names = ["lead", "parked", "plain", "hop", "broken", "aashop", "abshop", "acshop", "bcshop", "cashop", "closed"]
                .map { "\($0).dftest.example" }
            let dns = try await Self.dns(client, w, names: names)
            let final = try await Self.http(client, w, source: dns.id, proxies: [dead, tiny, socks],
                                            options: Self.options(w) { $0.schemes = ["http"]; $0.concurrency = 1 })
            #expect(final.status == .completed, "\(final.errorMessage)")
            let all = try await Self.results(client, final.id)
            #expect(all.count == 11)
            // A target that refuses the proxy's connection is the target's fault, not the proxy's.
            let closed = try #require(all.first { $0.domainName == "closed.dftest.example" })
            #expect(closed.errorKind == "connect" && closed.businessStatus == "http_invalid", "\(closed.errorKind): \(closed.error)")
            let rows = all.filter { $0.domainName != "closed.dftest.example" }
            #expect(rows.allSatisfy { $0.statusCode != 0 && $0.businessStatus != "proxy_error" }, "the dead proxy's failures were retried elsewhere")
            #expect(rows.allSatisfy { $0.proxyID == tiny || $0.proxyID == socks })
            #expect(Set(rows.map(\.proxyID)).count == 2, "requests rotate over the live proxies")
            #expect(rows.filter(\.isLead).count == 4, "lead, hop, aashop, cashop")
            let stored = try await client.unary(Methods.getProxy, .init(id: dead))
            #expect(!stored.healthy && !stored.lastStatus.isEmpty, "marked unhealthy after failing in a row")
            #expect(try await h.count("SELECT count(*) FROM audit_logs WHERE action = 'proxy_marked_unhealthy' AND resource_id = '\(dead)'") == 1)
            #expect(try await h.count("SELECT count(*) FROM audit_logs WHERE action = 'proxy_marked_unhealthy'") == 1, "only the dead one")

            // With no usable proxy left, a campaign pauses with a clear error instead of burning its names.
            _ = try await client.unary(Methods.updateProxy, { var r = ProxyRequest(id: tiny, name: "tiny", protocol: .http, host: tinyHost,
                                                                                     port: tinyPort); r.disabled = true; return r }())
            _ = try await client.unary(Methods.updateProxy, { var r = ProxyRequest(id: socks, name: "dante", protocol: .socks5, host: socksHost,
                                                                                     port: socksPort); r.disabled = true; return r }())
            let stuck = try await client.unary(Methods.createCampaign, CreateCampaignRequest(
                name: "no proxies", type: .httpKeywordValidation, generation: nil, start: true,
                sourceCampaignID: dns.id, http: Self.options(w)).with(CampaignResources(httpPersonaIDs: [w.httpPersona], proxyIDs: [dead, tiny, socks], keywordSetIDs: [w.keywordSet])))
            var paused = stuck
            for _ in 0..<100 where paused.status != .paused {
                try await Task.sleep(for: .milliseconds(100))
                paused = try await client.unary(Methods.getCampaign, .init(id: stuck.id))
            }
            #expect(paused.status == .paused && paused.errorMessage.contains("proxies"), "\(paused.status) \(paused.errorMessage)")
            #expect(try await h.count("SELECT count(*) FROM http_fetch_summaries WHERE campaign_id = '\(stuck.id)'") == 0)
            await client.close()
        }
    }

    /// Proxies that want credentials carry a campaign: tinyproxy with basic auth (plain HTTP and CONNECT for https)
    /// and microsocks with a SOCKS5 username and password; one with a wrong password is retried elsewhere and
    /// marked unhealthy, its failures never the targets'.
    @Test func proxiesWithCredentialsCarryACampaign() async throws {
        try await AuthHarness.with(secrets: .random()) { h in
            let client = try await h.admin()
            let w = try await Self.world(client)
            var ids: [String] = []
            for request in [try TestHTTPServices.proxy("tiny-auth", .http, "DOMAINFLOW_TEST_HTTP_PROXY_AUTH", username: "dfuser", password: "df-proxy-secret"),
                            try TestHTTPServices.proxy("microsocks", .socks5, "DOMAINFLOW_TEST_SOCKS_AUTH", username: "dfsocks", password: "df-socks-secret"),
                            try TestHTTPServices.proxy("wrong", .socks5, "DOMAINFLOW_TEST_SOCKS_AUTH", username: "dfsocks", password: "not-it")] {
                ids.append(try await client.unary(Methods.createProxy, request).id)
            }
            let names = ["lead", "plain", "hop", "aashop", "acshop", "cashop"].map { "\($0).dftest.example" }
            let dns = try await Self.dns(client, w, names: names)
            let final = try await Self.http(client, w, source: dns.id, proxies: ids, options: Self.options(w) { $0.concurrency = 1 })
            #expect(final.status == .completed, "\(final.errorMessage)")
            let rows = try await Self.results(client, final.id)
            #expect(rows.count == 6 && rows.allSatisfy { $0.statusCode == 200 && $0.businessStatus != "proxy_error" },
                    "\(rows.map { "\($0.domainName): \($0.errorKind) \($0.error)" })")
            #expect(rows.allSatisfy { $0.url.hasPrefix("https://") }, "https through CONNECT and SOCKS, TLS inside the tunnel")
            #expect(rows.allSatisfy { $0.proxyID == ids[0] || $0.proxyID == ids[1] } && Set(rows.map(\.proxyID)).count == 2)
            #expect(rows.filter(\.isLead).count == 4)
            let wrong = try await client.unary(Methods.getProxy, .init(id: ids[2]))
            #expect(!wrong.healthy, "the proxy with the wrong password was marked unhealthy: \(wrong.lastStatus)")
            await client.close()
        }
    }

    @Test func anUnhealthyProxyIsCheckedAgainAndComesBack() async throws {
        let (tinyHost, tinyPort) = try TestHTTPServices.address("DOMAINFLOW_TEST_HTTP_PROXY")
        let echo = try #require(URL(string: try TestHTTPServices.url("/index.html")))
        try await AuthHarness.with(server: { $0.proxyCheckURL = echo; $0.engine.proxyRecheckInterval = .milliseconds(200) }) { h in
            let client = try await h.admin()
            let w = try await Self.world(client)
            let tiny = try await client.unary(Methods.createProxy, ProxyRequest(name: "tiny", protocol: .http, host: tinyHost, port: tinyPort)).id
            let dns = try await Self.dns(client, w, names: ["lead.dftest.example"])
            // A campaign that uses it, paused so that it keeps it in use without fetching.
            let campaign = try await client.unary(Methods.createCampaign, CreateCampaignRequest(
                name: "uses tiny", type: .httpKeywordValidation, generation: nil,
                sourceCampaignID: dns.id, http: Self.options(w)).with(CampaignResources(httpPersonaIDs: [w.httpPersona], proxyIDs: [tiny], keywordSetIDs: [w.keywordSet])))
            // As a campaign would leave it after failures through it:
            #expect(try await h.count("UPDATE proxies SET is_healthy = false, last_checked_at = now(), last_status = 'failed' WHERE id = '\(tiny)' RETURNING 1") == 1)
            var proxy = try await client.unary(Methods.getProxy, .init(id: tiny))
            for _ in 0..<50 where !proxy.healthy {
                try await Task.sleep(for: .milliseconds(100))
                proxy = try await client.unary(Methods.getProxy, .init(id: tiny))
            }
            #expect(proxy.healthy && proxy.lastStatus.hasPrefix("200"), "\(proxy.lastStatus)")
            #expect(try await h.count("SELECT count(*) FROM audit_logs WHERE action = 'proxy_marked_healthy' AND resource_id = '\(tiny)'") == 1)
            _ = campaign
            await client.close()
        }
    }

    /// Many URLs of one host with a per-host limit of 1: every one is fetched (one at a time), none lost.
    @Test func aPerHostLimitStillFetchesEveryURLOfTheHost() async throws {
        try await AuthHarness.with { h in
            let client = try await h.admin()
            let w = try await Self.world(client)
            let lines = (1...12).map { "http://lead.dftest.example:\(w.httpPort)/index.html?page=\($0)" } + ["plain.dftest.example"]
            let (_, final) = try await Self.list(client, w, "one-host", lines: lines, options: Self.options(w) { $0.perHostLimit = 1; $0.concurrency = 8 })
            #expect(final.status == .completed, "\(final.errorMessage)")
            let rows = try await Self.results(client, final.id)
            #expect(rows.count == 13 && rows.filter(\.isLead).count == 12, "\(rows.map(\.outcome))")
            #expect(Set(rows.map(\.url)).count == 13)
            var bad = HttpCampaignOptions()
            bad.perHostLimit = 101
            await expectCode(.invalidArgument) {
                try await client.unary(Methods.createCampaign, CreateCampaignRequest(name: "bad", type: .httpKeywordValidation, generation: nil,
                    uploadInput: true, http: bad).with(CampaignResources(dnsPersonaIDs: [w.dnsPersona], httpPersonaIDs: [w.httpPersona], keywordSetIDs: [w.keywordSet])))
            }
            await client.close()
        }
    }

    @Test func anUploadedListOfNamesAndURLsIsResolvedAndFetched() async throws {
        try await AuthHarness.with { h in
            let client = try await h.admin()
            let w = try await Self.world(client)
            let lines = ["lead.dftest.example", "http://plain.dftest.example:\(w.httpPort)/index.html", "ftp://files.dftest.example/",
                         "nope.dftest.example", "HOP.dftest.example"]
            let (report, final) = try await Self.list(client, w, "list", lines: lines, options: Self.options(w) { $0.minScore = 3 })
            let created = report.campaign
            #expect(report.campaign.input?.valid == 4 && report.campaign.input?.invalid == 1)
            #expect(report.campaign.input?.firstInvalid.first?.reason.contains("ftp") == true)
            #expect(final.status == .completed, "\(final.errorMessage)")
            let rows = try await Self.results(client, created.id)
            #expect(rows.map(\.domainName) == ["lead.dftest.example", "plain.dftest.example", "nope.dftest.example", "hop.dftest.example"])
            #expect(rows[0].isLead && rows[0].address == "127.0.0.1", "resolved through the DNS persona")
            #expect(rows[1].finalURL.hasSuffix("/index.html") && rows[1].url.hasPrefix("http://") && rows[1].outcome == "no_keywords",
                    "a URL line is fetched as given")
            #expect(rows[2].outcome == "no_address" && rows[2].statusCode == 0, "a name without an address is not fetched")
            #expect(rows[3].isLead)
            #expect(final.count(of: "lead") == 2 && final.dnsQueriesSent >= 4 + 2)
            await client.close()
        }
    }

    @Test func badInputIsRefusedNamingTheField() async throws {
        try await AuthHarness.with { h in
            let admin = try await h.admin()
            let w = try await Self.world(admin)
            let dns = try await Self.dns(admin, w, names: ["lead.dftest.example"])
            func request(_ configure: (inout CreateCampaignRequest) -> Void) -> CreateCampaignRequest {
                var r = CreateCampaignRequest(name: "h", type: .httpKeywordValidation, generation: nil,
                                              sourceCampaignID: dns.id, http: Self.options(w)).with(CampaignResources(httpPersonaIDs: [w.httpPersona], keywordSetIDs: [w.keywordSet]))
                configure(&r)
                return r
            }
            let before = try await h.count("SELECT count(*) FROM campaigns")
            var error = await expectCode(.invalidArgument) { try await admin.unary(Methods.createCampaign, request { $0.resources.httpPersonaIDs = [] }) }
            #expect(error?.message.contains("http_persona_ids") == true)
            error = await expectCode(.invalidArgument) { try await admin.unary(Methods.createCampaign, request { $0.resources.keywordSetIDs = [] }) }
            #expect(error?.message.contains("keyword_set_ids") == true)
            error = await expectCode(.invalidArgument) { try await admin.unary(Methods.createCampaign, request { $0.resources.httpPersonaIDs = [w.dnsPersona] }) }
            #expect(error?.message.contains("not a HTTP persona") == true || error?.message.contains("HTTP") == true)
            error = await expectCode(.invalidArgument) { try await admin.unary(Methods.createCampaign, request { $0.http?.minScore = -1 }) }
            #expect(error?.message.contains("min_score") == true)
            error = await expectCode(.invalidArgument) { try await admin.unary(Methods.createCampaign, request { $0.http?.schemes = ["ftp"] }) }
            #expect(error?.message.contains("schemes") == true)
            await expectCode(.notFound) { try await admin.unary(Methods.createCampaign, request { $0.resources.keywordSetIDs = [UUID().uuidString] }) }
            let generation = try await admin.unary(Methods.createCampaign, CreateCampaignRequest(name: "g", type: .domainGeneration, generation: CampaignTests.generation(count: 2)))
            error = await expectCode(.invalidArgument) { try await admin.unary(Methods.createCampaign, request { $0.sourceCampaignID = generation.id }) }
            #expect(error?.message.contains("dns_validation") == true)
            error = await expectCode(.invalidArgument) { try await admin.unary(Methods.createCampaign, request { $0.sourceCampaignID = ""; $0.uploadInput = true }) }
            #expect(error?.message.contains("dns_persona_ids") == true, "an uploaded list is resolved through a DNS persona")
            error = await expectCode(.invalidArgument) { try await admin.unary(Methods.createCampaign, request { $0.uploadInput = true }) }
            #expect(error?.message.contains("exactly one input") == true)
            _ = try await h.createUser("hank")
            let hank = try await h.client("hank", "a long enough password")
            let hw = try await Self.world(hank)
            await expectCode(.notFound) {
                try await hank.unary(Methods.createCampaign, request {
                    $0.resources = CampaignResources(httpPersonaIDs: [hw.httpPersona], keywordSetIDs: [hw.keywordSet])
                })
            }
            #expect(try await h.count("SELECT count(*) FROM campaigns") == before + 1, "only the generation campaign was written")
            await expectCode(.invalidArgument) { try await Self.results(admin, dns.id) { $0.minScore = -2 } }
            await expectCode(.failedPrecondition) { try await Self.results(admin, generation.id) }
            await admin.close(); await hank.close()
        }
    }
}
