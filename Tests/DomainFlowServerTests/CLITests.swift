import DomainFlowClient
import DomainFlowServer
import DomainFlowWire
import Foundation
import Glibc
import Testing

/// The `domainflow` CLI binary against a real server: a campaign from a JSON and a YAML file.
@Suite struct CLITests {
    private func run(_ arguments: [String], socket: String) async throws -> (Int32, String) {
        let binary = CrashRecoveryTests.root.appendingPathComponent(".build/debug/domainflow").path
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw TestFailure("\(binary) is not built") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments + ["--socket", socket]
        process.environment = ["HOME": NSTemporaryDirectory(), "XDG_CONFIG_HOME": NSTemporaryDirectory() + "/dfcli-\(UUID())"]
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
            #expect(try await admin.unary(Methods.listCampaigns, ListCampaignsRequest()).campaigns.count == 2)
            await admin.close()
        }
    }
}
