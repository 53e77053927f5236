import DomainFlowClient
import DomainFlowServer
import DomainFlowWire
import Foundation
import Testing

/// Campaigns name the personas, proxies and keyword sets their pipeline runs with; while a campaign
/// that uses one has not ended, deleting it is FAILED_PRECONDITION.
@Suite struct CampaignResourceTests {
    struct Fixture {
        let dns: String, http: String, proxy: String, keywords: String
        var resources: CampaignResources {
            CampaignResources(dnsPersonaIDs: [dns], httpPersonaIDs: [http], proxyIDs: [proxy], keywordSetIDs: [keywords])
        }
    }

    static func fixture(_ client: DomainFlowClient, suffix: String = "") async throws -> Fixture {
        var http = HttpPersona()
        http.timeoutMillis = 1000
        return Fixture(
            dns: try await client.unary(Methods.createPersona, PersonaRequest(name: "dns" + suffix, dns: PersonaTests.dns())).id,
            http: try await client.unary(Methods.createPersona, PersonaRequest(name: "http" + suffix, http: http)).id,
            proxy: try await client.unary(Methods.createProxy, ProxyRequest(name: "proxy" + suffix, protocol: .socks5,
                                                                            host: "127.0.0.1", port: 1080)).id,
            keywords: try await client.unary(Methods.createKeywordSet,
                                             CreateKeywordSetRequest(name: "kw" + suffix, rules: [KeywordRule(keyword: "sale")])).id)
    }

    @Test func resourcesInUseCannotBeDeletedUntilTheCampaignEnds() async throws {
        try await AuthHarness.with { h in try await Self.inUse(h) }
    }

    static func inUse(_ h: AuthHarness) async throws {
        let client = try await h.admin()
        let f = try await fixture(client)
        let campaign = try await client.unary(Methods.createCampaign, CreateCampaignRequest(name: "leads",
            type: .domainGeneration, generation: CampaignTests.generation(count: 6), pipeline: [.dnsValidation, .httpKeywordValidation]).with(f.resources))
        #expect(campaign.resources == f.resources && campaign.status == .pending)
        #expect(try await client.unary(Methods.getCampaign, .init(id: campaign.id)).resources == f.resources)

        for (method, id) in [(Methods.deletePersona, f.dns), (Methods.deletePersona, f.http)] {
            let error = await expectCode(.failedPrecondition) { try await client.unary(method, .init(id: id)) }
            #expect(error?.message.contains("campaign 'leads'") == true, "\(error?.message ?? "")")
        }
        await expectCode(.failedPrecondition) { try await client.unary(Methods.deleteProxy, .init(id: f.proxy)) }
        await expectCode(.failedPrecondition) { try await client.unary(Methods.deleteKeywordSet, .init(id: f.keywords)) }
        #expect(try await h.count("SELECT count(*) FROM personas") == 2, "nothing deleted")

        _ = try await client.unary(Methods.cancelCampaign, .init(id: campaign.id))
        _ = try await client.unary(Methods.deletePersona, .init(id: f.dns))
        _ = try await client.unary(Methods.deleteProxy, .init(id: f.proxy))
        _ = try await client.unary(Methods.deleteKeywordSet, .init(id: f.keywords))
        _ = try await client.unary(Methods.deletePersona, .init(id: f.http))
        #expect(try await h.count("SELECT count(*) FROM personas") == 0)
        await client.close()
    }

    @Test func followOnCampaignsInheritTheResources() async throws {
        try await AuthHarness.with { h in try await Self.followOn(h) }
    }

    static func followOn(_ h: AuthHarness) async throws {
        let client = try await h.admin()
        var dns = DnsPersona()
        dns.resolvers = [Resolver(address: try DnsPersonaCheckTests.testDNS())]
        dns.timeoutMillis = 2000
        let persona = try await client.unary(Methods.createPersona, PersonaRequest(name: "local", dns: dns)).id
        let campaign = try await client.unary(Methods.createCampaign, CreateCampaignRequest(name: "chain",
            type: .domainGeneration, generation: CampaignTests.generation(count: 3, tlds: [".dftest.example"]), pipeline: [.dnsValidation]).with(CampaignResources(dnsPersonaIDs: [persona])))
        var filter = ListCampaignsRequest()
        filter.type = .dnsValidation
        let next = try #require(try await client.unary(Methods.listCampaigns, filter).campaigns.first)
        #expect(next.resources.dnsPersonaIDs == [persona] && next.status == .pending)
        // Starting the pipeline's first campaign starts its follow-on too.
        _ = try await client.unary(Methods.startCampaign, .init(id: campaign.id))
        #expect(try await client.unary(Methods.getCampaign, .init(id: next.id)).status != .pending)
        for try await _ in try client.serverStream(Methods.watchCampaign, WatchCampaignRequest(id: campaign.id, intervalMillis: 50),
                                                     timeout: .seconds(60)) {}
        var ended = Campaign()
        for try await state in try client.serverStream(Methods.watchCampaign, WatchCampaignRequest(id: next.id, intervalMillis: 50),
                                                         timeout: .seconds(60)) { ended = state }
        #expect(ended.status == .completed && ended.processedItems == 3)
        _ = try await client.unary(Methods.deletePersona, .init(id: persona))
        await client.close()
    }

    @Test func badReferencesAreRefusedAndNothingIsWritten() async throws {
        try await AuthHarness.with { h in try await Self.refusals(h) }
    }

    static func refusals(_ h: AuthHarness) async throws {
        let admin = try await h.admin()
        _ = try await h.createUser("erin")
        let erin = try await h.client("erin", "a long enough password")
        let mine = try await fixture(erin, suffix: "-erin")
        let admins = try await fixture(admin)
        func create(_ resources: CampaignResources, pipeline: [CampaignType] = [.dnsValidation, .httpKeywordValidation]) async throws -> Campaign {
            try await erin.unary(Methods.createCampaign, CreateCampaignRequest(name: "c", type: .domainGeneration, generation: CampaignTests.generation(count: 2),
                                                                              pipeline: pipeline).with(resources))
        }
        await expectCode(.notFound) { try await create(CampaignResources(dnsPersonaIDs: [admins.dns])) }
        await expectCode(.notFound) { try await create(CampaignResources(proxyIDs: [admins.proxy])) }
        await expectCode(.notFound) { try await create(CampaignResources(keywordSetIDs: [admins.keywords])) }
        await expectCode(.invalidArgument) { try await create(CampaignResources(dnsPersonaIDs: [mine.http])) }
        await expectCode(.invalidArgument) { try await create(CampaignResources(httpPersonaIDs: [mine.dns])) }
        await expectCode(.invalidArgument) { try await create(CampaignResources(proxyIDs: ["not-a-uuid"])) }
        await expectCode(.invalidArgument) { try await create(CampaignResources(proxyIDs: [mine.proxy]), pipeline: [.dnsValidation]) }
        await expectCode(.invalidArgument) { try await create(CampaignResources(dnsPersonaIDs: [mine.dns]), pipeline: []) }
        #expect(try await h.count("SELECT count(*) FROM campaigns") == 0)
        #expect(try await h.count("SELECT count(*) FROM campaign_resources") == 0)
        let ok = try await create(CampaignResources(dnsPersonaIDs: [mine.dns, mine.dns], proxyIDs: [mine.proxy]))
        #expect(ok.resources.dnsPersonaIDs == [mine.dns] && ok.resources.proxyIDs == [mine.proxy], "duplicates collapse")
        let adminUses = try await admin.unary(Methods.createCampaign, CreateCampaignRequest(name: "admin's",
            type: .domainGeneration, generation: CampaignTests.generation(count: 2), pipeline: [.dnsValidation, .httpKeywordValidation]).with(CampaignResources(keywordSetIDs: [mine.keywords])))
        #expect(adminUses.resources.keywordSetIDs == [mine.keywords], "an admin may use anyone's")
        await expectCode(.failedPrecondition) { try await erin.unary(Methods.deleteKeywordSet, .init(id: mine.keywords)) }
        await admin.close(); await erin.close()
    }
}
