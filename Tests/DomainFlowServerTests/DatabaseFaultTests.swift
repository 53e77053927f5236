import DomainFlowClient
import DomainFlowServer
@testable import DomainFlowStore
import DomainFlowWire
import Foundation
import Glibc
import NIOPosix
import Testing

/// PostgreSQL stopped the hard way (`pg_ctl -m immediate`, as a crash would) in the middle of a
/// campaign of each type, then started again: while it is down the server stays up, answers Ping
/// and says UNAVAILABLE; afterwards the campaign finishes exact, no batch lost or doubled.
/// Each test runs a private cluster, so stopping it disturbs no other test.
@Suite(.serialized) struct DatabaseFaultTests {
    struct World {
        let cluster: EmbeddedPostgres
        let store: Store
        let server: TestServer
        let client: DomainFlowClient
    }

    static func with(batchSize: Int, _ body: (World) async throws -> Void) async throws {
        let dir = "/tmp/dfdb-\(UUID().uuidString.prefix(8))"
        let cluster = try EmbeddedPostgres(dataDirectory: dir)
        defer { try? cluster.stop(); try? FileManager.default.removeItem(atPath: dir) }
        try await blocking { try cluster.start() }
        let store = try await Store.open(ConnectionPool.Configuration(connectionString: cluster.connectionString, size: 4,
                                                                      leaseTimeout: .seconds(5)))
        _ = try await AdminBootstrap.createAdmin(store: store, username: "admin", email: "admin@example.com", bcryptCost: 4)
        var auth = AuthConfiguration()
        auth.bcryptCost = 4
        auth.trustedPeers[getuid()] = "admin"
        try await TestServer.with({
            $0.store = store; $0.authentication = .required(auth); $0.secrets = .random()
            $0.engine.leaseDuration = .seconds(2); $0.engine.batchSize = batchSize; $0.engine.idlePoll = .milliseconds(50)
        }) { server in
            let client = try await server.client(name: "db-fault")
            try await body(World(cluster: cluster, store: store, server: server, client: client))
            await client.close()
        }
        await store.shutdown()
    }

    /// Runs blocking work (pg_ctl) off the cooperative pool the server shares, as the server itself does.
    static func blocking(_ work: @escaping @Sendable () throws -> Void) async throws {
        try await NIOThreadPool.singleton.runIfActive(work)
    }

    /// Once `campaign` has progress (and before it ends), stops PostgreSQL for `outage`, checking
    /// throughout that Ping answers and a database-backed call says UNAVAILABLE, then starts it again.
    static func outage(_ w: World, during campaign: String, for outage: Duration) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while true {
            let state = try await w.client.unary(Methods.getCampaign, .init(id: campaign))
            try #require(state.status != .completed, "the campaign ended before the outage could start")
            if state.processedItems > 0 { break }
            try #require(ContinuousClock.now < deadline, "no progress on \(campaign)")
            try await Task.sleep(for: .milliseconds(5))
        }
        try await blocking { try w.cluster.stop(immediate: true) }
        let end = ContinuousClock.now + outage
        var checks = 0
        repeat {
            _ = try await w.client.unary(Methods.ping, PingRequest(), timeout: .seconds(10))
            await expectCode(.unavailable) {
                try await w.client.unary(Methods.getCampaign, .init(id: campaign), timeout: .seconds(30))
            }
            checks += 1
            try await Task.sleep(for: .milliseconds(250))
        } while ContinuousClock.now < end || checks < 2
        #expect(checks >= 2)
        try await blocking { try w.cluster.start() }
    }

    /// The campaign's state once it ends, polled (a watch stream would end with the outage).
    static func waitForEnd(_ w: World, _ id: String) async throws -> Campaign {
        let deadline = ContinuousClock.now + .seconds(180)
        while true {
            if let state = try? await w.client.unary(Methods.getCampaign, .init(id: id)),
               [.completed, .failed, .cancelled].contains(state.status) { return state }
            try #require(ContinuousClock.now < deadline, "campaign \(id) did not end")
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    static func count(_ w: World, _ sql: String) async throws -> [Int64] {
        try await w.store.pool.withConnection(retryTransient: true) { c in
            let row = try c.simpleQuery(sql).first!
            return try (0..<row.values.count).map { try row.int($0) }
        }
    }

    /// The long outage: longer than the engine's leases and the session cache, so every part of the
    /// server meets the dead database, and the server still recovers when it comes back.
    @Test func generationSurvivesALongDatabaseOutageExactly() async throws {
        try await Self.with(batchSize: 1000) { w in
            let count: UInt64 = 100_000
            let campaign = try await w.client.unary(Methods.createCampaign, CreateCampaignRequest(name: "gen-fault",
                type: .domainGeneration, generation: GenerationParameters(patternType: .prefix, prefixLength: 4, characterSet: "abcdefghijklmnopqrstuvwxyz0123456789",
                                                 constant: "-x", tlds: [".com"], count: count, startOffset: 0, explicitStartOffset: true),
                start: true))
            try await Self.outage(w, during: campaign.id, for: .seconds(7))
            let final = try await Self.waitForEnd(w, campaign.id)
            #expect(final.status == .completed && final.processedItems == count)
            let counts = try await Self.count(w, """
                SELECT count(*), count(DISTINCT offset_index), min(offset_index), max(offset_index),
                       (SELECT count(*) FROM campaign_batches WHERE campaign_id = '\(campaign.id)' AND status <> 'done')
                FROM generated_domains WHERE campaign_id = '\(campaign.id)'
                """)
            #expect(counts == [Int64(count), Int64(count), 0, Int64(count) - 1, 0], "every name once, every batch done")
        }
    }

    @Test func dnsCampaignSurvivesADatabaseOutageExactly() async throws {
        let nsd = try DNSCampaignTests.address("DOMAINFLOW_TEST_DNS")
        try await Self.with(batchSize: 500) { w in
            let count: UInt64 = 10_000
            let persona = try await DNSCampaignTests.persona(w.client, "fault", resolvers: [nsd], timeout: 5000)
            let source = try await w.client.unary(Methods.createCampaign, CreateCampaignRequest(name: "gen",
                type: .domainGeneration, generation: GenerationParameters(patternType: .prefix, prefixLength: 3, characterSet: "abcdefghijklmnopqrstuvwxyz0123456789",
                                                 constant: "-x", tlds: [".dftest.example"], count: count, startOffset: 0, explicitStartOffset: true),
                start: true, pipeline: [.dnsValidation]).with(CampaignResources(dnsPersonaIDs: [persona])))
            var filter = ListCampaignsRequest()
            filter.type = .dnsValidation
            let dns = try #require(try await w.client.unary(Methods.listCampaigns, filter).campaigns.first { $0.sourceCampaignID == source.id })
            try await Self.outage(w, during: dns.id, for: .seconds(2))
            let final = try await Self.waitForEnd(w, dns.id)
            #expect(final.status == .completed && final.processedItems == count)
            let counts = try await Self.count(w, """
                SELECT count(*), count(DISTINCT (domain_name, record_type)), count(*) FILTER (WHERE outcome = 'nxdomain'),
                       (SELECT count(*) FROM campaign_batches WHERE campaign_id = '\(dns.id)' AND status <> 'done')
                FROM dns_validation_results WHERE campaign_id = '\(dns.id)'
                """)
            #expect(counts == [Int64(count), Int64(count), Int64(count), 0], "one row per name, none twice, every batch done")
            #expect(final.count(of: "nxdomain") == count, "progress counts match the rows")
        }
    }

    @Test func httpCampaignSurvivesADatabaseOutageExactly() async throws {
        let nsd = try DNSCampaignTests.address("DOMAINFLOW_TEST_DNS")
        let (_, httpPort) = try TestHTTPServices.address("DOMAINFLOW_TEST_HTTP")
        try await Self.with(batchSize: 200) { w in
            let dnsPersona = try await DNSCampaignTests.persona(w.client, "fault", resolvers: [nsd], timeout: 5000)
            var web = HttpPersona()
            web.timeoutMillis = 10_000
            let http = try await w.client.unary(Methods.createPersona, PersonaRequest(name: "web", http: web)).id
            let set = try await w.client.unary(Methods.createKeywordSet,
                                               CreateKeywordSetRequest(name: "kw", rules: [KeywordRule(keyword: "casino")])).id
            // 1,500 live bulk names at 127.1.x.y where nothing listens (connection refused), and two sites.
            let names = (0..<3000).map { "bulk\($0).dftest.example" } + ["lead.dftest.example", "plain.dftest.example"]
            let dns = try await DNSCampaignTests.run(w.client, "dns", lines: names, personas: [dnsPersona])
            var options = HttpCampaignOptions()
            options.httpPort = httpPort
            options.schemes = ["http"]
            options.concurrency = 4
            let campaign = try await w.client.unary(Methods.createCampaign, CreateCampaignRequest(
                name: "http-fault", type: .httpKeywordValidation, generation: nil, start: true, sourceCampaignID: dns.id, http: options).with(CampaignResources(httpPersonaIDs: [http], keywordSetIDs: [set])))
            try await Self.outage(w, during: campaign.id, for: .seconds(2))
            let final = try await Self.waitForEnd(w, campaign.id)
            #expect(final.status == .completed)
            let counts = try await Self.count(w, """
                SELECT count(*), count(DISTINCT domain_name), count(*) FILTER (WHERE is_lead),
                       (SELECT count(*) FROM http_keyword_results WHERE campaign_id = '\(campaign.id)'),
                       (SELECT count(*) FROM campaign_batches WHERE campaign_id = '\(campaign.id)' AND status <> 'done')
                FROM http_fetch_summaries WHERE campaign_id = '\(campaign.id)'
                """)
            #expect(counts == [1502, 1502, 1, 1, 0], "one summary per live name, the lead once, every batch done")
        }
    }
}
