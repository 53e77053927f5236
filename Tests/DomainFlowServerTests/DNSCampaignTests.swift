import DomainFlowClient
import DomainFlowServer
import DomainFlowWire
import Foundation
import Testing

/// DNS validation campaigns end to end, against the DNS fixture world that `Scripts/test` starts on
/// loopback (`Scripts/dns-throwaway`): nsd with its default rate limiting, a lying nsd, unbound, a silent port.
@Suite struct DNSCampaignTests {
    static func address(_ variable: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
            throw TestFailure("\(variable) is not set: run the tests with Scripts/test, which starts the DNS fixture world")
        }
        return value
    }

    static func persona(_ client: DomainFlowClient, _ name: String, resolvers: [String], types: [String] = ["A"],
                        timeout: UInt32 = 2000, retries: UInt32 = 2, quorum: UInt32 = 1, concurrency: UInt32 = 100,
                        rotation: ResolverRotation = .roundRobin, qps: UInt32 = 0, burst: UInt32 = 0) async throws -> String {
        var dns = DnsPersona()
        dns.resolvers = resolvers.map { Resolver(address: $0) }
        dns.recordTypes = types
        dns.timeoutMillis = timeout
        dns.retries = retries
        dns.nxdomainQuorum = quorum
        dns.concurrency = concurrency
        dns.rotation = rotation
        dns.queriesPerSecond = qps
        dns.burst = burst
        return try await client.unary(Methods.createPersona, PersonaRequest(name: name, dns: dns)).id
    }

    /// Creates a DNS campaign over `lines` (uploaded in chunks of `chunk`), started, and waits for its end.
    static func run(_ client: DomainFlowClient, _ name: String, lines: [String], personas: [String], chunk: Int = 1000,
                    timeout: Duration = .seconds(120)) async throws -> Campaign {
        let created = try await client.unary(Methods.createCampaign, CreateCampaignRequest(
            name: name, type: .dnsValidation, generation: nil, uploadInput: true).with(CampaignResources(dnsPersonaIDs: personas)))
        #expect(created.inputOpen && created.status == .pending)
        let stream = AsyncStream<String> { continuation in
            for line in lines { continuation.yield(line) }
            continuation.finish()
        }
        let report = try await client.uploadCampaignInput(campaignID: created.id, lines: stream, chunkSize: chunk, start: true)
        #expect(report.lines == UInt64(lines.count))
        return try await waitUntilEnded(client, created.id, timeout: timeout)
    }

    static func waitUntilEnded(_ client: DomainFlowClient, _ id: String, timeout: Duration = .seconds(120)) async throws -> Campaign {
        var last = Campaign()
        for try await state in try client.serverStream(Methods.watchCampaign, WatchCampaignRequest(id: id, intervalMillis: 50),
                                                         timeout: timeout) { last = state }
        return last
    }

    static func results(_ client: DomainFlowClient, _ id: String, _ configure: (inout StreamDnsResultsRequest) -> Void = { _ in })
        async throws -> [DnsResult] {
        var request = StreamDnsResultsRequest(id: id, fromStart: true)
        configure(&request)
        var all: [DnsResult] = []
        for try await r in try client.serverStream(Methods.streamDnsResults, request) { all.append(r) }
        return all
    }

    @Test func everyOutcomeIsDistinctAgainstAnAuthoritativeServer() async throws {
        let nsd = try Self.address("DOMAINFLOW_TEST_DNS")
        try await AuthHarness.with { h in
            let client = try await h.admin()
            let persona = try await Self.persona(client, "auth", resolvers: [nsd], types: ["A", "AAAA", "MX", "TXT", "NS", "CNAME"])
            let lines = ["www.dftest.example", "ALIAS.dftest.example.", "mail.dftest.example", "txt.dftest.example",
                         "big.dftest.example", "dftest.example", "x.wild.dftest.example", "real.wild.dftest.example",
                         "y.cwild.dftest.example", "nope.dftest.example", "www.dftest.example", "", "# a comment",
                         "bad_name!.dftest.example", "www.not-served.example", "multi.dftest.example"]
            let final = try await Self.run(client, "outcomes", lines: lines, personas: [persona])
            #expect(final.status == .completed, "\(final.errorMessage)")
            #expect(final.input == InputSummary(lines: 16, valid: 12, duplicates: 1, invalid: 1,
                firstInvalid: [InvalidLine(line: 14, text: "bad_name!.dftest.example", reason: final.input?.firstInvalid.first?.reason ?? "")]))
            #expect(final.processedItems == 16 && final.skippedItems == 4, "lines without a name to resolve are skipped")
            let rows = try await Self.results(client, final.id)
            #expect(rows.count == 12 * 6, "one row per (name, record type)")
            func row(_ name: String, _ type: String) -> DnsResult? { rows.first { $0.domainName == name && $0.recordType == type } }

            #expect(row("www.dftest.example", "A")?.records == ["192.0.2.10"])
            #expect(row("www.dftest.example", "A")?.businessStatus == "valid_dns")
            #expect(row("www.dftest.example", "A")?.resolver == nsd)
            #expect(row("www.dftest.example", "AAAA")?.records == ["2001:db8::10"])
            #expect(row("www.dftest.example", "MX")?.outcome == "nodata")
            #expect(row("www.dftest.example", "MX")?.businessStatus == "invalid_dns")
            #expect(row("alias.dftest.example", "A")?.records == ["192.0.2.10"], "the name is lower-cased and its final dot dropped")
            #expect(row("alias.dftest.example", "A")?.cnameChain == ["alias2.dftest.example", "www.dftest.example"])
            #expect(row("alias.dftest.example", "CNAME")?.records == ["alias2.dftest.example"])
            #expect(row("mail.dftest.example", "MX")?.records == ["10 mx.dftest.example"])
            #expect(row("txt.dftest.example", "TXT")?.records == ["v=spf1 -allsecond part"])
            #expect(row("dftest.example", "NS")?.records == ["ns1.dftest.example"])
            let big = try #require(row("big.dftest.example", "TXT"))
            #expect(big.outcome == "answer" && big.records.count == 8, "larger than 1232 bytes: truncated over UDP, read over TCP")
            #expect(big.records.allSatisfy { $0.count > 240 })
            #expect(row("multi.dftest.example", "A")?.records.sorted() == ["192.0.2.30", "192.0.2.31", "192.0.2.32"])

            // Wildcards: load-balanced A wildcard, CNAME wildcard; a real name under the wildcard stays valid.
            #expect(row("x.wild.dftest.example", "A")?.businessStatus == "wildcard_dns")
            #expect(row("x.wild.dftest.example", "A")?.outcome == "answer")
            #expect(row("y.cwild.dftest.example", "A")?.businessStatus == "wildcard_dns")
            #expect(row("real.wild.dftest.example", "A")?.businessStatus == "valid_dns")
            #expect(final.wildcardZones.sorted() == ["cwild.dftest.example", "wild.dftest.example"])

            let nope = rows.filter { $0.domainName == "nope.dftest.example" }
            #expect(nope.count == 6 && nope.allSatisfy { $0.outcome == "nxdomain" && $0.isAvailable && $0.businessStatus == "invalid_dns" })
            let refused = rows.filter { $0.domainName == "www.not-served.example" }
            #expect(refused.allSatisfy { $0.outcome == "refused" && $0.businessStatus == "dns_error" && $0.attempts == 3 },
                    "REFUSED is retried (retries 2) before it is final")

            // Progress per outcome matches the rows.
            var counted: [String: UInt64] = [:]
            for r in rows { counted[r.businessStatus == "wildcard_dns" ? "wildcard" : r.outcome, default: 0] += 1 }
            #expect(Dictionary(uniqueKeysWithValues: final.outcomeCounts.map { ($0.outcome, $0.count) }) == counted)
            #expect(final.dnsQueriesSent >= UInt64(rows.count))

            // Filters run in the database; a stream resumes from its cursor.
            #expect(try await Self.results(client, final.id) { $0.outcomes = ["nxdomain", "refused"] }.count == 12)
            #expect(try await Self.results(client, final.id) { $0.availableOnly = true }.map(\.domainName) == Array(repeating: "nope.dftest.example", count: 6))
            let live = try await Self.results(client, final.id) { $0.liveOnly = true }
            #expect(!live.isEmpty && live.allSatisfy { $0.businessStatus == "valid_dns" })
            let tail = try await Self.results(client, final.id) {
                $0.fromStart = false; $0.afterOffset = rows[5].offset; $0.afterRecordType = rows[5].recordType
            }
            #expect(tail == Array(rows.dropFirst(6)))
            await expectCode(.invalidArgument) { try await Self.results(client, final.id) { $0.outcomes = ["maybe"] } }

            // The export (formatted by PostgreSQL) carries the same rows, with the same filters.
            ExportTests.expectSame(try await ExportTests.jsonl(client, final.id), rows)
            ExportTests.expectSame(try await ExportTests.jsonl(client, final.id) { $0.outcomes = ["nxdomain", "refused"] },
                                   try await Self.results(client, final.id) { $0.outcomes = ["nxdomain", "refused"] })
            ExportTests.expectSame(try await ExportTests.jsonl(client, final.id) { $0.liveOnly = true }, live)
            #expect(try await ExportTests.jsonl(client, final.id) { $0.availableOnly = true }.count == 6)

            // The roll-up per name on the campaign's names.
            func status(_ name: String) async throws -> Int64 {
                try await h.count("SELECT count(*) FROM generated_domains WHERE campaign_id = '\(final.id)' AND domain_name = '\(name)' AND checked_at IS NOT NULL AND business_status = 'dns_live'")
            }
            #expect(try await status("www.dftest.example") == 1)
            #expect(try await h.count("SELECT count(*) FROM generated_domains WHERE campaign_id = '\(final.id)' AND domain_name = 'nope.dftest.example' AND business_status = 'dns_dead' AND is_available") == 1)
            #expect(try await h.count("SELECT count(*) FROM generated_domains WHERE campaign_id = '\(final.id)' AND domain_name = 'x.wild.dftest.example' AND business_status = 'dns_wildcard'") == 1)
            #expect(try await h.count("SELECT count(*) FROM generated_domains WHERE campaign_id = '\(final.id)' AND business_status = 'dns_error'") == 1)
            await client.close()
        }
    }

    @Test func recursionGivesAnswersNxdomainAndServfail() async throws {
        let unbound = try Self.address("DOMAINFLOW_TEST_DNS_RECURSIVE")
        try await AuthHarness.with { h in
            let client = try await h.admin()
            let persona = try await Self.persona(client, "recursive", resolvers: [unbound], timeout: 1500, retries: 1)
            let final = try await Self.run(client, "recursion", lines: ["www.dftest.example", "alias.dftest.example", "nope.dftest.example",
                                                                         "x.lame.example"], personas: [persona])
            let rows = try await Self.results(client, final.id)
            #expect(rows.map(\.outcome) == ["answer", "answer", "nxdomain", "servfail"])
            #expect(rows[1].cnameChain == ["alias2.dftest.example", "www.dftest.example"] && rows[1].records == ["192.0.2.10"])
            #expect(rows[3].attempts == 2, "SERVFAIL is retried before it is final")
            #expect(final.count(of: "servfail") == 1 && final.count(of: "nxdomain") == 1 && final.count(of: "answer") == 2)
            await client.close()
        }
    }

    @Test func deadResolversAreRetriedElsewhereAndTimeoutsAreTheirOwnOutcome() async throws {
        let nsd = try Self.address("DOMAINFLOW_TEST_DNS"), silent = try Self.address("DOMAINFLOW_TEST_DNS_SILENT")
        try await AuthHarness.with { h in
            let client = try await h.admin()
            let mixed = try await Self.persona(client, "one dead", resolvers: [silent, nsd], timeout: 1500, retries: 2)
            let names = (0..<40).map { "bulk\($0).dftest.example" }
            let final = try await Self.run(client, "retries", lines: names, personas: [mixed])
            let rows = try await Self.results(client, final.id)
            #expect(rows.count == 40)
            for r in rows {
                let n = Int(r.domainName.dropFirst(4).prefix { $0.isNumber })!
                #expect(r.outcome == (n % 2 == 0 ? "answer" : "nxdomain"), "\(r.domainName): \(r.outcome) \(r.message)")
                #expect(r.resolver == nsd, "the final answer comes from the live resolver")
            }
            #expect(rows.contains { $0.attempts > 1 }, "round robin sent some first attempts to the dead resolver")
            #expect(final.count(of: "timeout") == 0)

            let dead = try await Self.persona(client, "all dead", resolvers: [silent], timeout: 200, retries: 2)
            let timedOut = try await Self.run(client, "timeouts", lines: ["www.dftest.example", "nope.dftest.example"], personas: [dead])
            let deadRows = try await Self.results(client, timedOut.id)
            #expect(deadRows.allSatisfy { $0.outcome == "timeout" && $0.attempts == 3 && $0.resolver.isEmpty && $0.businessStatus == "dns_error" })
            #expect(timedOut.count(of: "timeout") == 2 && timedOut.count(of: "nxdomain") == 0, "a timeout is never an NXDOMAIN")
            await client.close()
        }
    }

    @Test func aLyingResolverIsFoundOutAndTheQuorumDecidesNxdomain() async throws {
        let nsd = try Self.address("DOMAINFLOW_TEST_DNS"), lying = try Self.address("DOMAINFLOW_TEST_DNS_LYING")
        let unbound = try Self.address("DOMAINFLOW_TEST_DNS_RECURSIVE")
        try await AuthHarness.with { h in
            let client = try await h.admin()
            let withLiar = try await Self.persona(client, "liar", resolvers: [nsd, lying], retries: 1)
            let names = (0..<30).map { "bulk\($0).dftest.example" }
            let final = try await Self.run(client, "liar", lines: names, personas: [withLiar])
            #expect(final.lyingResolvers == [lying])
            let rows = try await Self.results(client, final.id)
            for r in rows {
                let n = Int(r.domainName.dropFirst(4).prefix { $0.isNumber })!
                #expect(r.outcome == (n % 2 == 0 ? "answer" : "nxdomain"), "\(r.domainName): \(r.records)")
                #expect(!r.records.contains("198.51.100.66"), "the lying resolver's answers are not believed")
                #expect(r.resolver != lying)
            }

            // Two honest resolvers, quorum 2: NXDOMAIN is agreed only when both say it.
            let quorum = try await Self.persona(client, "quorum", resolvers: [nsd, unbound], timeout: 2000, quorum: 2)
            let agreed = try await Self.run(client, "quorum", lines: ["nope.dftest.example", "www.dftest.example"], personas: [quorum])
            let quorumRows = try await Self.results(client, agreed.id)
            #expect(quorumRows[0].outcome == "nxdomain" && quorumRows[0].isAvailable && quorumRows[0].attempts == 2)
            #expect(quorumRows[1].outcome == "answer" && quorumRows[1].attempts == 1)
            await client.close()
        }
    }

    @Test func aRateLimitingServerStillEndsWithCorrectOutcomes() async throws {
        let nsd = try Self.address("DOMAINFLOW_TEST_DNS_RRL")
        try await AuthHarness.with { h in
            let client = try await h.admin()
            // nsd's default RRL (200 responses/s per client network) answers floods with TC and drops.
            // The timeout is generous because the whole suite shares 2 cores; RRL's drops do not depend on it.
            let persona = try await Self.persona(client, "flood", resolvers: [nsd], timeout: 1000, retries: 5, concurrency: 1000)
            let names = (0..<3000).map { "bulk\($0).dftest.example" }
            let final = try await Self.run(client, "flood", lines: names, personas: [persona], chunk: 1000, timeout: .seconds(240))
            #expect(final.status == .completed)
            let rows = try await Self.results(client, final.id)
            #expect(rows.count == 3000)
            var wrong = 0
            var examples: [String] = []
            for r in rows {
                let n = Int(r.domainName.dropFirst(4).prefix { $0.isNumber })!
                let expected = n % 2 == 0 ? "answer" : "nxdomain"
                if r.outcome != expected {
                    wrong += 1
                    if examples.count < 3 { examples.append("\(r.domainName): \(r.outcome) after \(r.attempts) (\(r.message))") }
                }
                if n % 2 == 0, r.outcome == "answer" { #expect(r.records == ["127.1.\(n / 250).\(n % 250 + 1)"]) }
            }
            #expect(wrong == 0, "outcomes: \(final.outcomeCounts); for example \(examples)")
            await client.close()
        }
    }

    @Test func generationPipelineRunsItsDNSStepBesideIt() async throws {
        let nsd = try Self.address("DOMAINFLOW_TEST_DNS")
        try await AuthHarness.with(server: { $0.engine.batchSize = 50 }) { h in
            let client = try await h.admin()
            let persona = try await Self.persona(client, "pipe", resolvers: [nsd], types: ["A", "TXT"])
            // 6^3 = 216 labels "aaa".."fff" + "x" on one TLD; "bulk" names do not match: all NXDOMAIN but none.
            let generation = GenerationParameters(patternType: .prefix, prefixLength: 3, characterSet: "abcdef", constant: "",
                                                  tlds: [".dftest.example"], count: 216)
            let source = try await client.unary(Methods.createCampaign, CreateCampaignRequest(name: "pipe", type: .domainGeneration, generation: generation,
                start: true, pipeline: [.dnsValidation]).with(CampaignResources(dnsPersonaIDs: [persona])))
            var filter = ListCampaignsRequest()
            filter.type = .dnsValidation
            let dns = try #require(try await client.unary(Methods.listCampaigns, filter).campaigns.first)
            #expect(dns.sourceCampaignID == source.id && dns.status != .pending, "--start starts the follow-on too")
            _ = try await Self.waitUntilEnded(client, source.id)
            let final = try await Self.waitUntilEnded(client, dns.id)
            #expect(final.status == .completed && final.processedItems == 216)
            let rows = try await Self.results(client, dns.id)
            #expect(rows.count == 432 && rows.allSatisfy { $0.outcome == "nxdomain" })
            #expect(rows.first?.domainName == "aaa.dftest.example")
            // Phases overlap: some DNS batch was done before the last generation batch.
            let overlapped = try await h.count("""
                SELECT count(*) FROM campaign_batches d WHERE d.campaign_id = '\(dns.id)'
                AND d.completed_at < (SELECT max(completed_at) FROM campaign_batches WHERE campaign_id = '\(source.id)')
                """)
            #expect(overlapped > 0)
            #expect(try await h.count("SELECT count(*) FROM generated_domains WHERE campaign_id = '\(source.id)' AND business_status = 'dns_dead' AND is_available") == 216,
                    "the roll-up lands on the generation campaign's names")
            await client.close()
        }
    }

    @Test func badInputIsRefusedNamingTheFieldAndNothingIsWritten() async throws {
        let nsd = try Self.address("DOMAINFLOW_TEST_DNS")
        try await AuthHarness.with { h in
            let admin = try await h.admin()
            _ = try await h.createUser("dana")
            let dana = try await h.client("dana", "a long enough password")
            let persona = try await Self.persona(admin, "p", resolvers: [nsd])
            let generation = try await admin.unary(Methods.createCampaign, CreateCampaignRequest(name: "g",
                type: .domainGeneration, generation: CampaignTests.generation(count: 3)))
            func dnsRequest(_ configure: (inout CreateCampaignRequest) -> Void) -> CreateCampaignRequest {
                var r = CreateCampaignRequest(name: "d", type: .dnsValidation, generation: nil, sourceCampaignID: generation.id).with(CampaignResources(dnsPersonaIDs: [persona]))
                configure(&r)
                return r
            }
            let before = try await h.count("SELECT count(*) FROM campaigns")
            var error = await expectCode(.invalidArgument) { try await admin.unary(Methods.createCampaign, dnsRequest { $0.resources = CampaignResources() }) }
            #expect(error?.message.contains("dns_persona_ids") == true)
            error = await expectCode(.invalidArgument) { try await admin.unary(Methods.createCampaign, dnsRequest { $0.uploadInput = true }) }
            #expect(error?.message.contains("exactly one input") == true)
            error = await expectCode(.invalidArgument) { try await admin.unary(Methods.createCampaign, dnsRequest { $0.sourceCampaignID = "" }) }
            #expect(error?.message.contains("exactly one input") == true)
            await expectCode(.invalidArgument) { try await admin.unary(Methods.createCampaign, dnsRequest { $0.sourceCampaignID = "not-a-uuid" }) }
            await expectCode(.notFound) { try await admin.unary(Methods.createCampaign, dnsRequest { $0.sourceCampaignID = UUID().uuidString }) }
            // Another user's source is NOT_FOUND (and so is the persona).
            let danaPersona = try await Self.persona(dana, "dp", resolvers: [nsd])
            await expectCode(.notFound) {
                try await dana.unary(Methods.createCampaign, dnsRequest { $0.resources = CampaignResources(dnsPersonaIDs: [danaPersona]) })
            }
            // A source of the wrong type.
            let dnsCampaign = try await admin.unary(Methods.createCampaign, dnsRequest { _ in })
            error = await expectCode(.invalidArgument) {
                try await admin.unary(Methods.createCampaign, dnsRequest { $0.sourceCampaignID = dnsCampaign.id })
            }
            #expect(error?.message.contains("domain_generation") == true)
            #expect(try await h.count("SELECT count(*) FROM campaigns") == before + 1, "only the one valid campaign was written")

            // Personas: no resolver, an unknown record type.
            var bad = DnsPersona()
            bad.timeoutMillis = 100
            await expectCode(.invalidArgument) { try await admin.unary(Methods.createPersona, PersonaRequest(name: "none", dns: bad)) }
            bad.resolvers = [Resolver(address: nsd)]
            bad.recordTypes = ["SRV"]
            error = await expectCode(.invalidArgument) { try await admin.unary(Methods.createPersona, PersonaRequest(name: "srv", dns: bad)) }
            #expect(error?.message.contains("record_types") == true)

            // Uploads: empty and all-invalid lists are refused and leave nothing; out-of-order chunks are refused;
            // a chunk sent again adds nothing; a sealed list takes no more.
            for lines in [[String](), ["not a name", "-bad-.example"]] {
                let open = try await admin.unary(Methods.createCampaign, dnsRequest { $0.sourceCampaignID = ""; $0.uploadInput = true })
                await expectCode(.failedPrecondition) { try await admin.unary(Methods.startCampaign, .init(id: open.id)) }
                if !lines.isEmpty {
                    _ = try await admin.unary(Methods.appendCampaignInput, AppendCampaignInputRequest(id: open.id, firstLine: 1, lines: lines))
                }
                error = await expectCode(.invalidArgument) {
                    try await admin.unary(Methods.finishCampaignInput, FinishCampaignInputRequest(id: open.id, totalLines: UInt64(lines.count)))
                }
                #expect(error?.message.contains("no valid domain names") == true)
                await expectCode(.notFound) { try await admin.unary(Methods.getCampaign, .init(id: open.id)) }
            }
            let upload = try await admin.unary(Methods.createCampaign, dnsRequest { $0.sourceCampaignID = ""; $0.uploadInput = true })
            let first = try await admin.unary(Methods.appendCampaignInput,
                                              AppendCampaignInputRequest(id: upload.id, firstLine: 1, lines: ["a.dftest.example", "b.dftest.example"]))
            #expect(first.accepted == 2)
            let again = try await admin.unary(Methods.appendCampaignInput,
                                              AppendCampaignInputRequest(id: upload.id, firstLine: 1, lines: ["a.dftest.example", "b.dftest.example"]))
            #expect(again.accepted == 0 && again.duplicates == 0, "a chunk sent again adds nothing")
            await expectCode(.invalidArgument) {
                try await admin.unary(Methods.appendCampaignInput, AppendCampaignInputRequest(id: upload.id, firstLine: 5, lines: ["c.dftest.example"]))
            }
            await expectCode(.invalidArgument) {
                try await admin.unary(Methods.finishCampaignInput, FinishCampaignInputRequest(id: upload.id, totalLines: 3))
            }
            await expectCode(.notFound) {
                try await dana.unary(Methods.appendCampaignInput, AppendCampaignInputRequest(id: upload.id, firstLine: 3, lines: ["c.dftest.example"]))
            }
            let sealed = try await admin.unary(Methods.finishCampaignInput, FinishCampaignInputRequest(id: upload.id, totalLines: 2))
            #expect(sealed.input?.valid == 2 && !sealed.inputOpen && sealed.totalItems == 2)
            await expectCode(.failedPrecondition) {
                try await admin.unary(Methods.appendCampaignInput, AppendCampaignInputRequest(id: upload.id, firstLine: 3, lines: ["c.dftest.example"]))
            }
            #expect(try await h.count("SELECT count(*) FROM generated_domains WHERE campaign_id = '\(upload.id)'") == 2)
            // Results of a campaign of another type.
            await expectCode(.failedPrecondition) { try await Self.results(admin, generation.id) }
            await admin.close(); await dana.close()
        }
    }
}
