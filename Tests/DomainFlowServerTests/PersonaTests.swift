import DomainFlowClient
import DomainFlowServer
import DomainFlowWire
import Foundation
import Testing

@Suite struct PersonaTests {
    static func dns() -> DnsPersona {
        var d = DnsPersona()
        d.resolvers = [Resolver(address: "127.0.0.1:5353"), Resolver(address: "[::1]:53", weight: 3), Resolver(address: "192.0.2.1")]
        d.rotation = .weighted
        d.recordTypes = ["a", "MX", "A"]
        d.timeoutMillis = 2000
        d.retries = 2
        d.queriesPerSecond = 50
        d.nxdomainQuorum = 2
        return d
    }

    static func http() -> HttpPersona {
        var h = HttpPersona()
        h.userAgent = "Mozilla/5.0 (DomainFlow)"
        h.headers = [HttpHeader(name: "X-First", value: "1"), HttpHeader(name: "Accept", value: "text/html")]
        h.acceptLanguage = "en-GB,en;q=0.8"
        h.timeoutMillis = 5000
        h.followRedirects = true
        h.allowedStatusCodes = [200, 301]
        return h
    }

    @Test func dnsAndHttpPersonasRoundTripWithDefaultsFilled() async throws {
        try await AuthHarness.with { h in
            let client = try await h.admin()
            let dns = try await client.unary(Methods.createPersona, PersonaRequest(name: "resolvers", dns: Self.dns()))
            #expect(dns.kind == .dns)
            #expect(dns.dns?.recordTypes == ["A", "MX"], "upper-cased, deduplicated in order")
            #expect(dns.dns?.resolvers.map(\.weight) == [1, 3, 1] && dns.dns?.concurrency == 10 && dns.dns?.burst == 50)
            let http = try await client.unary(Methods.createPersona, PersonaRequest(name: "browser", http: Self.http()))
            #expect(http.http?.headers.map(\.name) == ["X-First", "Accept"], "header order kept")
            #expect(http.http?.maxRedirects == 5 && http.http?.maxBodyBytes == 1 << 20)
            #expect(try await h.count("SELECT count(*) FROM personas WHERE user_agent = 'Mozilla/5.0 (DomainFlow)' AND accept_language = 'en-GB,en;q=0.8'") == 1,
                    "the seed's columns are filled")
            var filter = ListPersonasRequest()
            filter.kind = .http
            #expect(try await client.unary(Methods.listPersonas, filter).personas.map(\.name) == ["browser"])
            var changed = Self.http()
            changed.userAgent = "curl/8"
            let updated = try await client.unary(Methods.updatePersona, PersonaRequest(id: http.id, name: "browser", http: changed))
            #expect(updated.http?.userAgent == "curl/8")
            _ = try await client.unary(Methods.deletePersona, .init(id: dns.id))
            await expectCode(.notFound) { try await client.unary(Methods.getPersona, .init(id: dns.id)) }
            #expect(try await h.count("SELECT count(*) FROM audit_logs WHERE resource_type = 'persona'") == 4)
            await client.close()
        }
    }

    @Test func invalidConfigurationsAreRejectedNamingTheFieldAndNothingWritten() async throws {
        try await AuthHarness.with { h in
            let client = try await h.admin()
            var cases: [(PersonaRequest, String)] = []
            var d = Self.dns(); d.resolvers = [Resolver(address: "not-an-ip")]
            cases.append((PersonaRequest(name: "x", dns: d), "dns.resolvers[0].address"))
            d = Self.dns(); d.resolvers = [Resolver(address: "127.0.0.1:99999")]
            cases.append((PersonaRequest(name: "x", dns: d), "dns.resolvers[0].address"))
            d = Self.dns(); d.timeoutMillis = 0
            cases.append((PersonaRequest(name: "x", dns: d), "dns.timeout_millis"))
            d = Self.dns(); d.recordTypes = ["SRV"]
            cases.append((PersonaRequest(name: "x", dns: d), "dns.record_types"))
            d = Self.dns(); d.nxdomainQuorum = 9
            cases.append((PersonaRequest(name: "x", dns: d), "dns.nxdomain_quorum"))
            var p = Self.http(); p.headers = [HttpHeader(name: "X-Evil", value: "a\r\nSet-Cookie: x=1")]
            cases.append((PersonaRequest(name: "x", http: p), "http.headers[0].value"))
            p = Self.http(); p.headers = [HttpHeader(name: "Bad Name", value: "v")]
            cases.append((PersonaRequest(name: "x", http: p), "http.headers[0].name"))
            p = Self.http(); p.userAgent = "ua\nx"
            cases.append((PersonaRequest(name: "x", http: p), "http.user_agent"))
            p = Self.http(); p.timeoutMillis = 0
            cases.append((PersonaRequest(name: "x", http: p), "http.timeout_millis"))
            p = Self.http(); p.allowedStatusCodes = [700]
            cases.append((PersonaRequest(name: "x", http: p), "http.allowed_status_codes"))
            var noKind = PersonaRequest(name: "x", http: Self.http()); noKind.kind = .unspecified
            cases.append((noKind, "kind"))
            for (request, field) in cases {
                let error = await expectCode(.invalidArgument) { try await client.unary(Methods.createPersona, request) }
                #expect(error?.message.hasPrefix(field) == true, "\(error?.message ?? "") names \(field)")
            }
            _ = try await client.unary(Methods.createPersona, PersonaRequest(name: "same", dns: Self.dns()))
            await expectCode(.alreadyExists) { try await client.unary(Methods.createPersona, PersonaRequest(name: "same", http: Self.http())) }
            #expect(try await h.count("SELECT count(*) FROM personas") == 1)
            await client.close()
        }
    }

    @Test func anotherUsersPersonaIsInvisible() async throws {
        try await AuthHarness.with { h in
            _ = try await h.createUser("pa")
            _ = try await h.createUser("pb")
            let a = try await h.client("pa", "a long enough password")
            let b = try await h.client("pb", "a long enough password")
            let persona = try await a.unary(Methods.createPersona, PersonaRequest(name: "mine", dns: Self.dns()))
            await expectCode(.notFound) { try await b.unary(Methods.getPersona, .init(id: persona.id)) }
            await expectCode(.notFound) { try await b.unary(Methods.updatePersona, PersonaRequest(id: persona.id, name: "taken", dns: Self.dns())) }
            await expectCode(.notFound) { try await b.unary(Methods.deletePersona, .init(id: persona.id)) }
            #expect(try await b.unary(Methods.listPersonas, ListPersonasRequest()).personas.isEmpty)
            #expect(try await a.unary(Methods.getPersona, .init(id: persona.id)).name == "mine")
            await a.close(); await b.close()
        }
    }
}

/// TestDnsPersona against a real authoritative server (nsd, started by Scripts/test on loopback).
@Suite struct DnsPersonaCheckTests {
    static func testDNS() throws -> String {
        guard let address = ProcessInfo.processInfo.environment["DOMAINFLOW_TEST_DNS"], !address.isEmpty else {
            throw TestFailure("DOMAINFLOW_TEST_DNS is not set: run the tests with Scripts/test, which starts nsd")
        }
        return address
    }

    static func results(_ client: DomainFlowClient, _ id: String, _ name: String) async throws -> [DnsTestResult] {
        try await client.unary(Methods.testDnsPersona, TestDnsPersonaRequest(id: id, name: name)).results
    }

    @Test func answersNxdomainRefusedAndTimeoutEachReported() async throws {
        let server = try Self.testDNS()
        try await AuthHarness.with { h in try await Self.check(h, server) }
    }

    static func check(_ h: AuthHarness, _ server: String) async throws {
        let client = try await h.admin()
        var dns = DnsPersona()
        dns.resolvers = [Resolver(address: server), Resolver(address: "127.0.0.1:9")]  // nothing answers on port 9
        dns.recordTypes = ["A", "AAAA", "MX", "TXT", "CNAME"]
        dns.timeoutMillis = 2000  // generous: the suite runs everything at once on 2 cores (one attempt per resolver)
        dns.nxdomainQuorum = 1
        let persona = try await client.unary(Methods.createPersona, PersonaRequest(name: "lab", dns: dns))
        let id = persona.id
        let www = try await Self.results(client, id, "www.dftest.example")
        let live = www.filter { $0.resolver == server }
        #expect(live.first { $0.recordType == "A" }?.answers == ["192.0.2.10"])
        #expect(live.first { $0.recordType == "AAAA" }?.answers == ["2001:db8::10"], "RFC 5952 form")
        #expect(live.first { $0.recordType == "MX" }?.outcome == .noRecords)
        #expect(www.filter { $0.resolver == "127.0.0.1:9" }.allSatisfy { $0.outcome == .timeout }, "a dead resolver times out")
        let mail = try await Self.results(client, id, "mail.dftest.example").filter { $0.resolver == server }
        #expect(mail.first { $0.recordType == "MX" }?.answers == ["10 mx.dftest.example"])
        let txt = try await Self.results(client, id, "txt.dftest.example").filter { $0.resolver == server }
        #expect(txt.first { $0.recordType == "TXT" }?.answers == ["v=spf1 -allsecond part"])
        let alias = try await Self.results(client, id, "alias.dftest.example").filter { $0.resolver == server }
        #expect(alias.first { $0.recordType == "CNAME" }?.answers == ["alias2.dftest.example"], "the first hop of alias -> alias2 -> www")
        let missing = try await Self.results(client, id, "nope.dftest.example").filter { $0.resolver == server }
        #expect(missing.allSatisfy { $0.outcome == .nxdomain })
        let elsewhere = try await Self.results(client, id, "www.not-served.example").filter { $0.resolver == server }
        #expect(elsewhere.allSatisfy { $0.outcome == .refused })
        await expectCode(.invalidArgument) { try await client.unary(Methods.testDnsPersona, TestDnsPersonaRequest(id: persona.id, name: "bad name")) }
        await client.close()
    }
}

/// Partial updates by field mask, for personas and proxies.
@Suite struct PartialUpdateTests {
    @Test func personaMaskChangesOnlyTheNamedFields() async throws {
        try await AuthHarness.with { h in try await Self.personas(h) }
    }

    static func personas(_ h: AuthHarness) async throws {
        let client = try await h.admin()
        let created = try await client.unary(Methods.createPersona, PersonaRequest(name: "browser", description: "first", http: PersonaTests.http()))
        var rename = PersonaRequest(id: created.id, name: "browser-2", http: HttpPersona())
        rename.updateMask = ["name"]
        let renamed = try await client.unary(Methods.updatePersona, rename)
        #expect(renamed.name == "browser-2" && renamed.description == "first" && renamed.http == created.http)

        var agent = HttpPersona()
        agent.userAgent = "curl/8.5"
        var change = PersonaRequest(id: created.id, name: "", http: agent)
        change.updateMask = ["http.user_agent"]
        let changed = try await client.unary(Methods.updatePersona, change)
        var expected = created.http
        expected?.userAgent = "curl/8.5"
        #expect(changed.http == expected && changed.name == "browser-2", "only the user agent changed")

        change.updateMask = ["http.timeout_millis"]  // absent in the request: reset to 0, which is invalid
        await expectCode(.invalidArgument) { try await client.unary(Methods.updatePersona, change) }
        change.updateMask = ["http.colour"]
        let unknown = await expectCode(.invalidArgument) { try await client.unary(Methods.updatePersona, change) }
        #expect(unknown?.message.contains("user_agent") == true, "the error lists the known fields")
        change.updateMask = ["dns"]
        change.dns = PersonaTests.dns()
        await expectCode(.invalidArgument) { try await client.unary(Methods.updatePersona, change) }
        #expect(try await client.unary(Methods.getPersona, .init(id: created.id)).http == expected, "refused updates wrote nothing")
        await client.close()
    }

    @Test func proxyMaskKeepsTheRestAndThePassword() async throws {
        try await AuthHarness.with(secrets: .random()) { h in try await Self.proxies(h) }
    }

    static func proxies(_ h: AuthHarness) async throws {
        let client = try await h.admin()
        var request = ProxyRequest(name: "office", protocol: .socks5, host: "127.0.0.1", port: 1080, username: "alice",
                                   password: "a proxy password", setPassword: true)
        request.provider = "lab"
        let created = try await client.unary(Methods.createProxy, request)
        var port = ProxyRequest(id: created.id, name: "", protocol: .unspecified, host: "", port: 1081)
        port.updateMask = ["port", "disabled"]
        port.disabled = true
        let moved = try await client.unary(Methods.updateProxy, port)
        #expect(moved.port == 1081 && !moved.enabled && moved.hasPassword && moved.name == "office" && moved.provider == "lab"
                && moved.username == "alice" && moved.address == "127.0.0.1:1081")
        var clear = ProxyRequest(id: created.id, name: "", protocol: .unspecified, host: "", port: 0)
        clear.updateMask = ["password"]
        #expect(try await client.unary(Methods.updateProxy, clear).hasPassword == false)
        clear.updateMask = ["host"]  // reset to empty: refused
        await expectCode(.invalidArgument) { try await client.unary(Methods.updateProxy, clear) }
        clear.updateMask = ["secret"]
        await expectCode(.invalidArgument) { try await client.unary(Methods.updateProxy, clear) }
        await client.close()
    }
}
