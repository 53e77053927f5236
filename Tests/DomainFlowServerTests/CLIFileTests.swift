import DomainFlowClient
import DomainFlowServer
import DomainFlowWire
import Foundation
import Glibc
import Testing

/// Files as a user writes them: protobuf's JSON mapping (either field-name style, enums by name or
/// number) for every `--from-file`, flags beside a file override it or are refused by name, a mistake
/// is one line naming the file and the field; the session under `$HOME` without `$XDG_CONFIG_HOME`.
@Suite struct CLIFileTests {
    struct Scratch {
        let dir = NSTemporaryDirectory() + "dfcli-files-\(UUID().uuidString.prefix(8))"
        init() throws { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        func write(_ name: String, _ text: String) throws -> String {
            try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
            return dir + "/" + name
        }
    }

    @Test func campaignFilesFollowTheJSONMappingAndFlagsBesideThemOverride() async throws {
        try await AuthHarness.with({ $0.trustedPeers[getuid()] = "admin" }) { h in
            let socket = h.server.socketPath
            let scratch = try Scratch()
            defer { try? FileManager.default.removeItem(atPath: scratch.dir) }
            let admin = try await h.admin()
            defer { Task { await admin.close() } }
            // lowerCamelCase keys, the enum by its full name, a 64-bit integer as a string; --start and --count beside it.
            let camel = try scratch.write("camel.json", #"""
                {"name": "camel", "generation": {"patternType": "PATTERN_SUFFIX", "suffixLength": 2, "characterSet": "xyz",
                 "constant": "cam", "tlds": [".org"], "count": "9"}}
                """#)
            let (s1, o1) = try await CLITests.run(["campaign", "create", "--from-file", camel, "--start", "--count", "4"], socket: socket)
            #expect(s1 == 0, "\(o1)")
            // snake_case keys, the enum by number and by short name, the name argument over the file's.
            let snake = try scratch.write("snake.yaml", """
                name: ignored
                generation: {pattern_type: 1, prefix_length: 1, character_set: ab, constant: snake, tlds: [".io"], count: 2}
                pipeline: [DNS_VALIDATION]
                """)
            let (s2, o2) = try await CLITests.run(["campaign", "create", "snaky", "--from-file", snake, "--description", "from flags"],
                                                  socket: socket)
            #expect(s2 == 0, "\(o2)")
            let campaigns = try await admin.unary(Methods.listCampaigns, ListCampaignsRequest()).campaigns
            let c1 = try #require(campaigns.first { $0.name == "camel" })
            #expect(c1.generation?.patternType == .suffix && c1.totalItems == 4, "--count beside the file wins")
            #expect(c1.status != .pending, "--start beside the file is not dropped: \(c1.status)")
            let c2 = try #require(campaigns.first { $0.name == "snaky" })
            #expect(c2.generation?.patternType == .prefix && c2.pipeline == [.dnsValidation] && c2.description == "from flags")

            // A flag that cannot go with a file is refused by name; nothing is created.
            let (s3, o3) = try await CLITests.run(["campaign", "create", "--from-file", camel, "--input", camel], socket: socket)
            #expect(s3 != 0 && o3.contains("--input cannot be combined with --from-file"), "\(o3)")
            // Mistakes: one line with the file, the field and what was expected.
            let typo = try scratch.write("typo.json", #"{"name": "t", "generaton": {}}"#)
            let (s4, o4) = try await CLITests.run(["campaign", "create", "--from-file", typo], socket: socket)
            #expect(s4 != 0 && o4.contains("typo.json: generaton: unknown field; the fields here are: name, description, type, generation"), "\(o4)")
            let wrong = try scratch.write("wrong.json", #"{"name": "w", "generation": {"count": "many"}}"#)
            let (s5, o5) = try await CLITests.run(["campaign", "create", "--from-file", wrong], socket: socket)
            #expect(s5 != 0 && o5.contains("wrong.json: generation.count: expected a whole number"), "\(o5)")
            let badEnum = try scratch.write("enum.json", #"{"name": "e", "generation": {"pattern_type": "sideways"}}"#)
            let (s6, o6) = try await CLITests.run(["campaign", "create", "--from-file", badEnum], socket: socket)
            #expect(s6 != 0 && o6.contains("enum.json: generation.pattern_type: 'sideways' is not one of PATTERN_PREFIX"), "\(o6)")
            let missing = try scratch.write("missing.json", #"{"name": "m"}"#)
            let (s7, o7) = try await CLITests.run(["campaign", "create", "--from-file", missing], socket: socket)
            #expect(s7 != 0 && o7.contains("missing.json: generation: missing (a domain_generation campaign needs a generation pattern)"), "\(o7)")
            #expect(!o4.contains("DecodingError") && !o5.contains("Debug description") && o5.split(separator: "\n").count == 1)
            #expect(try await admin.unary(Methods.listCampaigns, ListCampaignsRequest()).campaigns.count == 3, "two campaigns and a follow-on")
        }
    }

    @Test func personaProxyAndKeywordFilesTakeEnumsByNameAndEitherFieldStyle() async throws {
        try await AuthHarness.with({ $0.trustedPeers[getuid()] = "admin" }, secrets: .random()) { h in
            let socket = h.server.socketPath
            let scratch = try Scratch()
            defer { try? FileManager.default.removeItem(atPath: scratch.dir) }
            let admin = try await h.admin()
            defer { Task { await admin.close() } }
            let persona = try scratch.write("p.json", #"""
                {"description": "lab", "dns": {"resolvers": [{"address": "127.0.0.1:53"}], "rotation": "ROUND_ROBIN",
                 "record_types": ["A"], "timeoutMillis": 900, "nxdomain_quorum": 1}}
                """#)
            let (s1, o1) = try await CLITests.run(["persona", "create", "lab", "--from-file", persona, "--rotation", "random"], socket: socket)
            #expect(s1 == 0, "\(o1)")
            let byNumber = try scratch.write("p2.yaml", "dns:\n  resolvers: [{address: 127.0.0.1}]\n  rotation: 4\n  timeoutMillis: 800\n")
            let (s2, o2) = try await CLITests.run(["persona", "create", "lab2", "--from-file", byNumber], socket: socket)
            #expect(s2 == 0, "\(o2)")
            let personas = try await admin.unary(Methods.listPersonas, ListPersonasRequest()).personas
            let lab = try #require(personas.first { $0.name == "lab" })
            #expect(lab.dns?.rotation == .random && lab.dns?.timeoutMillis == 900 && lab.description == "lab", "--rotation beside the file wins")
            #expect(personas.first { $0.name == "lab2" }?.dns?.rotation == .sequentialFailover)
            let badKey = try scratch.write("p3.json", #"{"dns": {"resolvers": [{"address": "127.0.0.1"}], "timeout": 5}}"#)
            let (s3, o3) = try await CLITests.run(["persona", "create", "lab3", "--from-file", badKey], socket: socket)
            #expect(s3 != 0 && o3.contains("p3.json: dns.timeout: unknown field; the fields here are: resolvers, rotation"), "\(o3)")

            let proxy = try scratch.write("x.yaml", "protocol: PROXY_SOCKS5\nhost: 127.0.0.1\nport: 1080\ncountryCode: CH\n")
            let (s4, o4) = try await CLITests.run(["proxy", "create", "office", "--from-file", proxy, "--port", "1081"], socket: socket)
            #expect(s4 == 0 && o4.contains("socks5://127.0.0.1:1081"), "\(o4)")
            let proxies = try await admin.unary(Methods.listProxies, ListProxiesRequest()).proxies
            #expect(proxies.first?.countryCode == "CH" && proxies.first?.port == 1081)

            let keywords = try scratch.write("k.yaml", "name: kw\nrules:\n  - {keyword: 'sale', caseSensitive: true, weight: 2}\n  - {keyword: 'a+b', kind: KEYWORD_REGEX}\n")
            let (s5, o5) = try await CLITests.run(["keywords", "create", "--from-file", keywords, "--keyword", "extra"], socket: socket)
            #expect(s5 == 0, "\(o5)")
            let set = try #require(try await admin.unary(Methods.listKeywordSets, ListKeywordSetsRequest()).sets.first)
            let full = try await admin.unary(Methods.getKeywordSet, .init(id: set.id))
            #expect(full.rules.map(\.keyword) == ["sale", "a+b", "extra"] && full.rules[0].caseSensitive && full.rules[1].kind == .regex)
            #expect(full.rules[0].weight == "2.00")
        }
    }

    @Test func theSessionIsSavedUnderHomeWithoutXDGConfigHome() async throws {
        try await AuthHarness.with { h in
            let home = NSTemporaryDirectory() + "dfcli-home-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: home) }
            let (status, output) = try await CLITests.run(["login", "admin", "--password-stdin"], socket: h.server.socketPath,
                                                          environment: ["HOME": home], stdin: h.adminPassword + "\n")
            #expect(status == 0, "\(output)")
            var info = stat()
            #expect(stat(home + "/.config/domainflow/session", &info) == 0, "saved under $HOME/.config")
            #expect(info.st_mode & 0o777 == 0o600)
            let (who, whoOut) = try await CLITests.run(["whoami"], socket: h.server.socketPath, environment: ["HOME": home])
            #expect(who == 0 && whoOut.contains("admin"), "\(whoOut)")
        }
    }
}
