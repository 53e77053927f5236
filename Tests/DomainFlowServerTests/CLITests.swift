import DomainFlowClient
import DomainFlowServer
import DomainFlowWire
import Foundation
import Glibc
import Testing

/// The `domainflow` CLI binary against a real server: a campaign from a JSON and a YAML file.
@Suite struct CLITests {
    /// Runs the CLI binary; its environment is `environment` (default: a private config directory), with `stdin` as its input.
    static func run(_ arguments: [String], socket: String, environment: [String: String]? = nil,
                    stdin: String? = nil) async throws -> (Int32, String) {
        let binary = CrashRecoveryTests.root.appendingPathComponent(".build/debug/domainflow").path
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw TestFailure("\(binary) is not built") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments + ["--socket", socket]
        process.environment = environment ?? ["HOME": NSTemporaryDirectory(), "XDG_CONFIG_HOME": NSTemporaryDirectory() + "/dfcli-\(UUID())"]
        if let stdin {
            let input = Pipe()
            process.standardInput = input
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let exited = AsyncStream<Void> { continuation in
            process.terminationHandler = { _ in continuation.yield(); continuation.finish() }
        }
        try process.run()
        for await _ in exited {}
        return (process.terminationStatus, String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    private func run(_ arguments: [String], socket: String) async throws -> (Int32, String) {
        try await Self.run(arguments, socket: socket)
    }

    @Test func campaignFromJSONAndYAMLFiles() async throws {
        try await AuthHarness.with({ $0.trustedPeers[getuid()] = "admin" }) { h in
            let dir = NSTemporaryDirectory() + "dfcli-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try #"""
            {"name": "from-json", "generation": {"pattern_type": "suffix", "suffix_length": 2, "character_set": "xy",
             "constant": "json", "tlds": [".org"], "count": 4}, "start": true}
            """#.write(toFile: dir + "/c.json", atomically: true, encoding: .utf8)
            try """
            name: from-yaml
            description: made from YAML
            generation:
              pattern_type: prefix
              prefix_length: 1
              character_set: ab
              constant: yaml
              tlds: [".io"]
              count: 2
            pipeline: [dns_validation]
            """.write(toFile: dir + "/c.yaml", atomically: true, encoding: .utf8)
            let (jsonStatus, jsonOut) = try await run(["campaign", "create", "--from-file", dir + "/c.json"], socket: h.server.socketPath)
            #expect(jsonStatus == 0, "\(jsonOut)")
            let (yamlStatus, yamlOut) = try await run(["campaign", "create", "--from-file", dir + "/c.yaml"], socket: h.server.socketPath)
            #expect(yamlStatus == 0, "\(yamlOut)")
            let admin = try await h.admin()
            let campaigns = try await admin.unary(Methods.listCampaigns, ListCampaignsRequest()).campaigns
            let yaml = try #require(campaigns.first { $0.name == "from-yaml" })
            #expect(yaml.generation?.tlds == [".io"] && yaml.pipeline == [.dnsValidation] && yaml.description == "made from YAML")
            let json = try #require(campaigns.first { $0.name == "from-json" })
            #expect(json.generation?.patternType == .suffix && json.totalItems == 4)
            // A bad file is a clear one-line error, and nothing is created.
            try "{\"name\": \"x\"}".write(toFile: dir + "/bad.json", atomically: true, encoding: .utf8)
            let (badStatus, badOut) = try await run(["campaign", "create", "--from-file", dir + "/bad.json"], socket: h.server.socketPath)
            #expect(badStatus != 0)
            #expect(badOut.contains("bad.json"))
            #expect(try await admin.unary(Methods.listCampaigns, ListCampaignsRequest()).campaigns.count == 3,
                    "the two campaigns and the YAML one's DNS follow-on")

            // Keyword sets: from YAML, then an import of one keyword per line; a bad regex is a clear error.
            try """
            name: leads
            rules:
              - keyword: for sale
                weight: 2.5
              - keyword: '\\bdomain[s]?\\b'
                kind: regex
            """.write(toFile: dir + "/k.yaml", atomically: true, encoding: .utf8)
            let (kStatus, kOut) = try await run(["keywords", "create", "--from-file", dir + "/k.yaml"], socket: h.server.socketPath)
            #expect(kStatus == 0, "\(kOut)")
            let set = try #require(try await admin.unary(Methods.listKeywordSets, ListKeywordSetsRequest()).sets.first)
            try "parked\nexpired\n\n".write(toFile: dir + "/words.txt", atomically: true, encoding: .utf8)
            let (iStatus, iOut) = try await run(["keywords", "import", set.id, dir + "/words.txt"], socket: h.server.socketPath)
            #expect(iStatus == 0, "\(iOut)")
            let full = try await admin.unary(Methods.getKeywordSet, .init(id: set.id))
            #expect(full.rules.map(\.keyword) == ["for sale", #"\bdomain[s]?\b"#, "parked", "expired"])
            #expect(full.rules[0].weight == "2.50" && full.rules[1].kind == .regex)
            let (rStatus, rOut) = try await run(["keywords", "create", "broken", "--regex", "(oops"], socket: h.server.socketPath)
            #expect(rStatus != 0 && rOut.contains("does not compile"), "\(rOut)")

            // A DNS persona from YAML, tested against the real nsd.
            let dnsServer = try DnsPersonaCheckTests.testDNS()
            try """
            description: lab resolvers
            dns:
              resolvers:
                - address: "\(dnsServer)"
              recordTypes: [A]
              timeoutMillis: 1000
            """.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
            let (pStatus, pOut) = try await run(["persona", "create", "lab", "--from-file", dir + "/p.yaml"], socket: h.server.socketPath)
            #expect(pStatus == 0, "\(pOut)")
            let persona = try #require(try await admin.unary(Methods.listPersonas, ListPersonasRequest()).personas.first)
            let (tStatus, tOut) = try await run(["persona", "test", persona.id, "www.dftest.example"], socket: h.server.socketPath)
            #expect(tStatus == 0 && tOut.contains("192.0.2.10") && tOut.contains("answer"), "\(tOut)")
            try "dns:\n  resolvers: [{address: \"\(dnsServer)\"}]\n  recordTypes: [A, MX]\n  timeoutMillis: 500\n"
                .write(toFile: dir + "/p2.yaml", atomically: true, encoding: .utf8)
            let (uStatus, uOut) = try await run(["persona", "update", persona.id, "--from-file", dir + "/p2.yaml"], socket: h.server.socketPath)
            #expect(uStatus == 0, "\(uOut)")
            let updated = try await admin.unary(Methods.getPersona, .init(id: persona.id))
            #expect(updated.name == "lab" && updated.dns?.recordTypes == ["A", "MX"] && updated.dns?.timeoutMillis == 500)
            let (xStatus, xOut) = try await run(["proxy", "create", "p1", "--proxy-protocol", "socks5", "--host", "127.0.0.1", "--port", "1080"],
                                                socket: h.server.socketPath)
            #expect(xStatus == 0 && xOut.contains("socks5://127.0.0.1:1080"), "\(xOut)")
            await admin.close()
        }
    }

    @Test func httpPersonaAndProxyChecksFromTheCLI() async throws {
        let echo = try TestHTTPServices.url("/echo")
        try await AuthHarness.with({ $0.trustedPeers[getuid()] = "admin" }, secrets: .random()) { h in
            try await checks(h, echo: echo)
        }
    }

    private func checks(_ h: AuthHarness, echo: String) async throws {
        let socket = h.server.socketPath
        let admin = try await h.admin()
        let (cStatus, cOut) = try await run(["persona", "create", "browser", "--user-agent", "CLI-Agent/1", "--header", "X-DF-Test: from-cli",
                                             "--follow-redirects", "--allowed-status", "200,204", "--json"], socket: socket)
        #expect(cStatus == 0 && cOut.contains("\"user_agent\" : \"CLI-Agent\\/1\""), "\(cOut)")
        let persona = try #require(try await admin.unary(Methods.listPersonas, ListPersonasRequest()).personas.first)
        #expect(persona.kind == .http && persona.http?.headers == [HttpHeader(name: "X-DF-Test", value: "from-cli")]
                && persona.http?.followRedirects == true && persona.http?.allowedStatusCodes == [200, 204])
        let (tStatus, tOut) = try await run(["persona", "test", persona.id, echo], socket: socket)
        #expect(tStatus == 0 && tOut.contains("200 OK  allowed") && tOut.contains("X-Echo-Test: from-cli"), "\(tOut)")

        let (pStatus, pOut) = try await run(["persona", "update", persona.id, "--set", "http.user_agent=CLI-Agent/2", "--name", "browser2"],
                                            socket: socket)
        #expect(pStatus == 0, "\(pOut)")
        let patched = try await admin.unary(Methods.getPersona, .init(id: persona.id))
        #expect(patched.name == "browser2" && patched.http?.userAgent == "CLI-Agent/2" && patched.http?.headers == persona.http?.headers)

        let (host, port) = try TestHTTPServices.address("DOMAINFLOW_TEST_SOCKS")
        let (xStatus, xOut) = try await run(["proxy", "create", "dante", "--proxy-protocol", "socks5", "--host", host, "--port", "\(port)"],
                                            socket: socket)
        #expect(xStatus == 0, "\(xOut)")
        let proxy = try #require(try await admin.unary(Methods.listProxies, ListProxiesRequest()).proxies.first)
        let (okStatus, okOut) = try await run(["proxy", "test", proxy.id, "--url", echo], socket: socket)
        #expect(okStatus == 0 && okOut.hasPrefix("healthy") && okOut.contains("200 OK"), "\(okOut)")
        let (viaStatus, viaOut) = try await run(["persona", "test", persona.id, echo, "--proxy", proxy.id, "--json"], socket: socket)
        #expect(viaStatus == 0 && viaOut.contains("\"status_code\" : 200"), "\(viaOut)")

        let (uStatus, uOut) = try await run(["proxy", "update", proxy.id, "--port", "1", "--provider", "lab"], socket: socket)
        #expect(uStatus == 0, "\(uOut)")
        let (badStatus, badOut) = try await run(["proxy", "test", proxy.id, "--url", echo], socket: socket)
        #expect(badStatus == 1 && badOut.hasPrefix("UNHEALTHY") && badOut.contains("refused"), "\(badOut)")
        let stored = try await admin.unary(Methods.getProxy, .init(id: proxy.id))
        #expect(stored.port == 1 && stored.provider == "lab" && stored.host == host && !stored.healthy, "only the options given changed")

        _ = try await run(["proxy", "update", proxy.id, "--port", "\(port)"], socket: socket)
        let (http, httpPort) = try TestHTTPServices.address("DOMAINFLOW_TEST_HTTP_PROXY")
        _ = try await run(["proxy", "create", "tiny", "--proxy-protocol", "http", "--host", http, "--port", "\(httpPort)", "--disabled"], socket: socket)
        let (aStatus, aOut) = try await run(["proxy", "check-all", "--url", echo], socket: socket)
        #expect(aStatus == 0 && aOut.contains("dante") && !aOut.contains("tiny") && aOut.contains("1 of 1 healthy"), "\(aOut)")
        let set = try await admin.unary(Methods.createKeywordSet, CreateKeywordSetRequest(name: "kw", rules: [KeywordRule(keyword: "casino")]))
        let (kStatus, kOut) = try await run(["keywords", "test", set.id, "--url", try TestHTTPServices.url("/index.html"),
                                             "--persona", persona.id, "--proxy", proxy.id], socket: socket)
        #expect(kStatus == 0 && kOut.contains("score 1.00") && kOut.contains("casino"), "\(kOut)")
        let (lStatus, lOut) = try await run(["proxy", "list", "--json"], socket: socket)
        #expect(lStatus == 0 && lOut.contains("\"healthy\" : true") && !lOut.contains("\"password\""), "\(lOut)")
        await admin.close()
    }

    @Test func dnsCampaignFromAFileWithResultsInEveryFormat() async throws {
        let nsd = try DNSCampaignTests.address("DOMAINFLOW_TEST_DNS")
        try await AuthHarness.with({ $0.trustedPeers[getuid()] = "admin" }) { h in
            let socket = h.server.socketPath
            let dir = NSTemporaryDirectory() + "dfcli-dns-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let (pStatus, pOut) = try await run(["persona", "create", "lab", "--resolver", nsd, "--record-types", "A,MX",
                                                 "--timeout-millis", "2000", "--retries", "1", "--concurrency", "50",
                                                 "--nxdomain-quorum", "1", "--rotation", "sequential_failover"], socket: socket)
            #expect(pStatus == 0, "\(pOut)")
            let admin = try await h.admin()
            let persona = try #require(try await admin.unary(Methods.listPersonas, ListPersonasRequest()).personas.first)
            #expect(persona.dns?.concurrency == 50 && persona.dns?.retries == 1 && persona.dns?.rotation == .sequentialFailover)
            try "www.dftest.example\nmail.dftest.example\r\nnope.dftest.example\nnot a name\nwww.dftest.example"
                .write(toFile: dir + "/names.txt", atomically: true, encoding: .utf8)
            let (cStatus, cOut) = try await run(["campaign", "create", "dns-file", "--type", "dns_validation", "--input", dir + "/names.txt",
                                                 "--dns-persona", persona.id, "--start"], socket: socket)
            #expect(cStatus == 0 && cOut.contains("5 lines, 3 names, 1 duplicates, 1 invalid") && cOut.contains("line 4"), "\(cOut)")
            let created = try #require(cOut.range(of: #"created campaign [0-9a-f-]{36}"#, options: .regularExpression))
            let id = String(cOut[created].suffix(36))
            let (wStatus, wOut) = try await run(["campaign", "watch", id], socket: socket)
            #expect(wStatus == 0 && wOut.contains("completed") && wOut.contains("queries/s"), "\(wOut)")
            let (sStatus, sOut) = try await run(["campaign", "show", id], socket: socket)
            #expect(sStatus == 0 && sOut.contains("outcomes    answer 2, nodata 2, nxdomain 2"), "\(sOut)")

            let (jStatus, jOut) = try await run(["campaign", "results", id, "--format", "jsonl"], socket: socket)
            #expect(jStatus == 0)
            let rows = try jOut.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            #expect(rows.count == 6)
            let first = try #require(rows.first)
            for key in ["domain_name", "record_type", "outcome", "records", "business_status", "response_time_ms", "resolver", "attempts"] {
                #expect(first[key] != nil, "JSON key \(key)")
            }
            #expect(first["domain_name"] as? String == "www.dftest.example" && first["records"] as? [String] == ["192.0.2.10"])
            #expect((first["attempts"] as? Int ?? 0) >= 1 && first["resolver"] as? String == nsd)
            let (csvStatus, csvOut) = try await run(["campaign", "results", id, "--format", "csv", "--outcome", "nxdomain"], socket: socket)
            let csv = csvOut.split(separator: "\n")
            #expect(csvStatus == 0 && csv.count == 3 && csv[0].hasPrefix("domain_name,record_type,outcome,records,business_status"), "\(csvOut)")
            #expect(csv.dropFirst().allSatisfy { $0.hasPrefix("nope.dftest.example,") && $0.contains(",nxdomain,") })
            let (tStatus, tOut) = try await run(["campaign", "results", id, "--live"], socket: socket)
            #expect(tStatus == 0 && tOut.split(separator: "\n").count == 3 && tOut.contains("valid_dns"), "\(tOut)")
            let (aStatus, aOut) = try await run(["campaign", "results", id, "--available", "--format", "csv"], socket: socket)
            #expect(aStatus == 0 && aOut.split(separator: "\n").count == 3, "\(aOut)")
            // Bad input: both inputs, a missing file, an empty file.
            let (bothStatus, _) = try await run(["campaign", "create", "x", "--type", "dns_validation", "--input", dir + "/names.txt",
                                                 "--source", id, "--dns-persona", persona.id], socket: socket)
            #expect(bothStatus != 0)
            let (missingStatus, missingOut) = try await run(["campaign", "create", "x", "--type", "dns_validation", "--input",
                                                             dir + "/none.txt", "--dns-persona", persona.id], socket: socket)
            #expect(missingStatus != 0 && missingOut.contains("none.txt"), "\(missingOut)")
            try "".write(toFile: dir + "/empty.txt", atomically: true, encoding: .utf8)
            let (emptyStatus, emptyOut) = try await run(["campaign", "create", "x", "--type", "dns_validation", "--input",
                                                         dir + "/empty.txt", "--dns-persona", persona.id], socket: socket)
            #expect(emptyStatus != 0 && emptyOut.contains("no valid domain names"), "\(emptyOut)")
            #expect(try await admin.unary(Methods.listCampaigns, ListCampaignsRequest()).campaigns.count == 1, "nothing else was created")
            await admin.close()
        }
    }
}
