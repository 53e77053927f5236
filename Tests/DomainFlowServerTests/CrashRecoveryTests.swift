import DomainFlowClient
@testable import DomainFlowStore
import DomainFlowTestSupport
import DomainFlowWire
import Foundation
import Glibc
import Testing

/// A real server process killed with SIGKILL mid-campaign, then started again: the campaign
/// finishes with exactly the requested names, no duplicates, no gaps.
@Suite struct CrashRecoveryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The server on `database`, or (nil) on an embedded cluster in `dataDir`.
    private func startServer(database: String?, socket: String, dataDir: String? = nil) throws -> Process {
        let binary = Self.root.appendingPathComponent(".build/debug/domainflow-server").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw StoreError(kind: .internal, message: "\(binary) is not built: run swift build first (Scripts/test does)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        let store = database.map { ["--database-url", $0] } ?? ["--data-dir", dataDir ?? "/tmp/dfss-\(UUID().uuidString.prefix(8))"]
        process.arguments = ["--socket", socket] + store + ["--log-level", "warning",
                             "--trust-peer-uid", "\(getuid())=admin", "--engine-workers", "2", "--lease-seconds", "2",
                             "--batch-size", "2000", "--secret-key-file", socket + ".key"]
        process.environment = ProcessInfo.processInfo.environment.merging([
            "DOMAINFLOW_ADMIN_PASSWORD": "crash test admin password",
            "DOMAINFLOW_SECRET_KEY": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",  // a fixed test key: both servers share it
        ]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    private func connect(_ socket: String) async throws -> DomainFlowClient {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            if let client = try? await DomainFlowClient.connect(socketPath: socket) { return client }
            guard ContinuousClock.now < deadline else { throw StoreError(kind: .unavailable, message: "server did not come up") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test func sigtermDrainsTheServerAndRemovesItsSocket() async throws {
        let socket = "/tmp/dfst-\(UUID().uuidString.prefix(8)).sock"
        let server = try startServer(database: try TestDatabase.create(), socket: socket)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let client = try await connect(socket)
        _ = try await client.unary(Methods.ping, PingRequest(payload: [1]))
        kill(server.processIdentifier, SIGTERM)
        try await exits(server, within: .seconds(20))
        #expect(server.terminationStatus == 0 && server.terminationReason == .exit, "a clean exit after SIGTERM")
        #expect(!FileManager.default.fileExists(atPath: socket), "the socket file is removed")
        await #expect(throws: (any Error).self) { _ = try await client.unary(Methods.ping, PingRequest(payload: [2])) }
        await client.close()
    }

    @Test func sigintStopsTheEmbeddedClusterAfterTheServer() async throws {
        let socket = "/tmp/dfsi-\(UUID().uuidString.prefix(8)).sock"
        let dataDir = "/tmp/dfpg-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let server = try startServer(database: nil, socket: socket, dataDir: dataDir)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let client = try await connect(socket)  // initdb, start, migrations, the admin: up to 30 s
        _ = try await client.unary(Methods.listCampaigns, ListCampaignsRequest())  // the store answers
        #expect(FileManager.default.fileExists(atPath: dataDir + "/cluster/postmaster.pid"), "the embedded cluster runs")
        kill(server.processIdentifier, SIGINT)
        try await exits(server, within: .seconds(30))
        #expect(server.terminationStatus == 0 && server.terminationReason == .exit, "a clean exit after SIGINT")
        #expect(!FileManager.default.fileExists(atPath: dataDir + "/cluster/postmaster.pid"), "the cluster was stopped with the server")
        #expect(!FileManager.default.fileExists(atPath: socket))
        await client.close()
    }

    /// Waits (bounded) for `process` to exit.
    private func exits(_ process: Process, within limit: Duration) async throws {
        let deadline = ContinuousClock.now + limit
        while process.isRunning {
            guard ContinuousClock.now < deadline else { throw StoreError(kind: .internal, message: "the server did not exit within \(limit)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func killedServerResumesCampaignWithExactlyTheRequestedNames() async throws {
        let database = try TestDatabase.create()
        let socket = "/tmp/dfcr-\(UUID().uuidString.prefix(8)).sock"
        let count: UInt64 = 200_000
        var server = try startServer(database: database, socket: socket)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        var client = try await connect(socket)
        let campaign = try await client.unary(Methods.createCampaign, CreateCampaignRequest(name: "crash",
            type: .domainGeneration, generation: GenerationParameters(patternType: .prefix, prefixLength: 4, characterSet: "abcdefghijklmnopqrstuvwxyz0123456789",
                                             constant: "-crash", tlds: [".com", ".net"], count: count, startOffset: 1000,
                                             explicitStartOffset: true), start: true))
        // Kill it mid-campaign: some batches done, most not.
        try await killOnceItProgresses(server, client, campaign: campaign.id)
        let atKill = try await progress(database, campaign.id)
        #expect(atKill < count, "killed before the end (\(atKill) of \(count))")

        (server, client) = try await restart(database: database, socket: socket)
        let final = try await watchToEnd(client, campaign.id)
        #expect(final.status == .completed)
        #expect(final.processedItems == count)
        let connection = try PGConnection(connectionString: database)
        let row = try connection.simpleQuery("""
            SELECT count(*), count(DISTINCT offset_index), count(DISTINCT domain_name), min(offset_index), max(offset_index)
            FROM generated_domains WHERE campaign_id = '\(campaign.id)'
            """).first!
        #expect(try row.int(0) == Int64(count), "exactly the requested names")
        #expect(try row.int(1) == Int64(count) && row.int(2) == Int64(count), "no duplicates")
        #expect(try row.int(3) == 1000 && row.int(4) == 1000 + Int64(count) - 1, "no gaps")
        await client.close()
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
    }

    @Test func twoServersOnOneDatabaseShareACampaign() async throws {
        let database = try TestDatabase.create()
        let sockets = (0..<2).map { _ in "/tmp/dfsh-\(UUID().uuidString.prefix(8)).sock" }
        let first = try startServer(database: database, socket: sockets[0])
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        let client = try await connect(sockets[0])  // the first server has migrated and made the admin
        let second = try startServer(database: database, socket: sockets[1])
        defer { if second.isRunning { kill(second.processIdentifier, SIGKILL) } }
        _ = try await connect(sockets[1])
        let count: UInt64 = 100_000
        let campaign = try await client.unary(Methods.createCampaign, CreateCampaignRequest(name: "shared",
            type: .domainGeneration, generation: GenerationParameters(patternType: .prefix, prefixLength: 4, characterSet: "abcdefghijklmnopqrstuvwxyz0123456789",
                                             constant: "-shared", tlds: [".com"], count: count), start: true))
        let final = try await watchToEnd(client, campaign.id)
        #expect(final.status == .completed && final.processedItems == count)
        let connection = try PGConnection(connectionString: database)
        let row = try connection.simpleQuery(
            "SELECT count(*), count(DISTINCT offset_index) FROM generated_domains WHERE campaign_id = '\(campaign.id)'").first!
        #expect(try row.int(0) == Int64(count) && row.int(1) == Int64(count))
        let holders = try connection.simpleQuery(
            "SELECT count(DISTINCT split_part(completed_by, ':', 2)) FROM campaign_batches WHERE campaign_id = '\(campaign.id)'").first!
        #expect(try holders.int(0) == 2, "both server processes completed batches")
        await client.close()
        for server in [first, second] { kill(server.processIdentifier, SIGTERM); server.waitUntilExit() }
    }

    @Test func killedServerResumesADNSCampaignWithExactlyOneRowPerNameAndType() async throws {
        let nsd = try DNSCampaignTests.address("DOMAINFLOW_TEST_DNS")
        let database = try TestDatabase.create()
        let socket = "/tmp/dfcd-\(UUID().uuidString.prefix(8)).sock"
        var server = try startServer(database: database, socket: socket)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        var client = try await connect(socket)
        let persona = try await DNSCampaignTests.persona(client, "crash", resolvers: [nsd], types: ["A", "TXT"], concurrency: 200)
        let count: UInt64 = 40_000
        let source = try await client.unary(Methods.createCampaign, CreateCampaignRequest(name: "crash-dns",
            type: .domainGeneration, generation: GenerationParameters(patternType: .prefix, prefixLength: 3, characterSet: "abcdefghijklmnopqrstuvwxyz0123456789",
                                             constant: "-x", tlds: [".dftest.example"], count: count, startOffset: 0, explicitStartOffset: true),
            start: true, pipeline: [.dnsValidation]).with(CampaignResources(dnsPersonaIDs: [persona])))
        var filter = ListCampaignsRequest()
        filter.type = .dnsValidation
        let dns = try #require(try await client.unary(Methods.listCampaigns, filter).campaigns.first { $0.sourceCampaignID == source.id })
        try await killOnceItProgresses(server, client, campaign: dns.id)
        #expect(try await progress(database, dns.id) < count, "killed before the DNS campaign ended")

        (server, client) = try await restart(database: database, socket: socket)
        let final = try await watchToEnd(client, dns.id)
        #expect(final.status == .completed && final.processedItems == count)
        let connection = try PGConnection(connectionString: database)
        let row = try connection.simpleQuery("""
            SELECT count(*), count(DISTINCT (domain_name, record_type)), count(*) FILTER (WHERE outcome = 'nxdomain')
            FROM dns_validation_results WHERE campaign_id = '\(dns.id)'
            """).first!
        #expect(try row.int(0) == Int64(count) * 2, "one row per (name, record type)")
        #expect(try row.int(1) == Int64(count) * 2, "none twice")
        #expect(try row.int(2) == Int64(count) * 2, "every generated name is NXDOMAIN in the fixture zone")
        #expect(final.count(of: "nxdomain") == count * 2, "progress counts match the rows")
        await client.close()
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
    }

    @Test func killedServerResumesAnHTTPCampaignWithOneSummaryPerName() async throws {
        let nsd = try DNSCampaignTests.address("DOMAINFLOW_TEST_DNS")
        let (_, httpPort) = try TestHTTPServices.address("DOMAINFLOW_TEST_HTTP")
        let database = try TestDatabase.create()
        let socket = "/tmp/dfch-\(UUID().uuidString.prefix(8)).sock"
        var server = try startServer(database: database, socket: socket)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        var client = try await connect(socket)
        let dns = try await DNSCampaignTests.persona(client, "crash", resolvers: [nsd])
        var web = HttpPersona()
        web.timeoutMillis = 10_000
        let http = try await client.unary(Methods.createPersona, PersonaRequest(name: "web", http: web)).id
        let set = try await client.unary(Methods.createKeywordSet, CreateKeywordSetRequest(name: "kw", rules: [KeywordRule(keyword: "casino")])).id
        // The bulk names: NXDOMAIN, or 127.1.x.y where nothing listens (connection refused, fast); and two sites.
        let names = (0..<3000).map { "bulk\($0).dftest.example" } + ["lead.dftest.example", "plain.dftest.example"]
        let dnsCampaign = try await DNSCampaignTests.run(client, "crash-dns", lines: names, personas: [dns])
        var options = HttpCampaignOptions()
        options.httpPort = httpPort
        options.schemes = ["http"]
        options.concurrency = 20
        let campaign = try await client.unary(Methods.createCampaign, CreateCampaignRequest(
            name: "crash-http", type: .httpKeywordValidation, generation: nil, start: true, sourceCampaignID: dnsCampaign.id, http: options).with(CampaignResources(httpPersonaIDs: [http], keywordSetIDs: [set])))
        try await killOnceItProgresses(server, client, campaign: campaign.id)
        (server, client) = try await restart(database: database, socket: socket)
        let final = try await watchToEnd(client, campaign.id)
        #expect(final.status == .completed)
        let connection = try PGConnection(connectionString: database)
        let row = try connection.simpleQuery("""
            SELECT count(*), count(DISTINCT domain_name), count(*) FILTER (WHERE is_lead),
                   (SELECT count(*) FROM http_keyword_results WHERE campaign_id = '\(campaign.id)'),
                   (SELECT count(DISTINCT (url, keyword)) FROM http_keyword_results WHERE campaign_id = '\(campaign.id)')
            FROM http_fetch_summaries WHERE campaign_id = '\(campaign.id)'
            """).first!
        #expect(try row.int(0) == 1502 && row.int(1) == 1502, "one summary per live name (1,500 bulk names and 2 sites)")
        #expect(try row.int(2) == 1, "the lead page")
        #expect(try row.int(3) == row.int(4) && row.int(3) == 1, "no keyword row twice")
        await client.close()
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
    }

    /// Waits until `campaign` has progress, then kills the server with SIGKILL (mid-campaign) and closes the client.
    private func killOnceItProgresses(_ server: Process, _ client: DomainFlowClient, campaign: String) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while try await client.unary(Methods.getCampaign, .init(id: campaign)).processedItems == 0 {
            guard ContinuousClock.now < deadline else { throw StoreError(kind: .internal, message: "no progress on \(campaign)") }
            try await Task.sleep(for: .milliseconds(10))
        }
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        await client.close()
    }

    /// Starts a server where a killed one ran and connects to it. The killed server could not remove its socket
    /// file; a stale file is replaced anyway.
    private func restart(database: String, socket: String) async throws -> (Process, DomainFlowClient) {
        unlink(socket)
        let server = try startServer(database: database, socket: socket)
        return (server, try await connect(socket))
    }

    /// The campaign's last state, watched until it ends.
    private func watchToEnd(_ client: DomainFlowClient, _ id: String) async throws -> Campaign {
        var final = Campaign()
        for try await state in try client.serverStream(Methods.watchCampaign, WatchCampaignRequest(id: id, intervalMillis: 100),
                                                        timeout: .seconds(120)) {
            final = state
        }
        return final
    }

    private func progress(_ database: String, _ id: String) async throws -> UInt64 {
        let connection = try PGConnection(connectionString: database)
        return UInt64(try connection.simpleQuery("SELECT processed_items FROM campaigns WHERE id = '\(id)'").first!.int(0))
    }
}
