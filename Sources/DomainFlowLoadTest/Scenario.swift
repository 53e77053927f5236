import DomainFlowClient
import DomainFlowWire
import Foundation
import NIOConcurrencyHelpers
import Synchronization

/// One kind of call the harness makes.
public enum Scenario: String, Sendable, CaseIterable {
    case ping
    case serverInfo = "server-info"
    case whoAmI = "whoami"
    case getCampaign = "get-campaign"
    case listCampaigns = "list-campaigns"
    case createCampaign = "create-campaign"
    case streamResults = "stream-results"

    /// Whether the scenario needs a campaign made before the run.
    var needsCampaign: Bool { self == .getCampaign || self == .streamResults }

    /// Makes one call; throws the call's error.
    func call(on client: DomainFlowClient, payload: [UInt8], fixture: ScenarioFixture) async throws {
        switch self {
        case .ping:
            _ = try await client.unary(Methods.ping, PingRequest(payload: payload))
        case .serverInfo:
            _ = try await client.unary(Methods.serverInfo, .init())
        case .whoAmI:
            _ = try await client.unary(Methods.whoAmI, .init())
        case .getCampaign:
            _ = try await client.unary(Methods.getCampaign, .init(id: fixture.campaignID))
        case .listCampaigns:
            _ = try await client.unary(Methods.listCampaigns, ListCampaignsRequest())
        case .createCampaign:
            let created = try await client.unary(Methods.createCampaign, CreateCampaignRequest(
                name: "loadtest-\(UUID().uuidString.prefix(8))", type: .domainGeneration, generation: ScenarioFixture.smallPattern(count: 10)))
            fixture.created.withLockedValue { $0.append(created.id) }
        case .streamResults:
            var rows = 0
            for try await _ in try client.serverStream(Methods.streamGeneratedDomains, StreamGeneratedDomainsRequest(id: fixture.campaignID, fromStart: true)) {
                rows += 1
            }
            fixture.streamedRows.add(rows, ordering: .relaxed)
        }
    }
}

/// What scenarios share during a run: a campaign made beforehand, the campaigns made by
/// `create-campaign` (deleted afterwards), and the rows streamed.
public final class ScenarioFixture: Sendable {
    let campaignID: String
    let created = NIOLockedValueBox<[String]>([])
    let streamedRows = Atomic<Int>(0)

    init(campaignID: String) {
        self.campaignID = campaignID
    }

    /// A pattern with room for a great many small campaigns (36^6 × 2 names).
    static func smallPattern(count: UInt64) -> GenerationParameters {
        GenerationParameters(patternType: .prefix, prefixLength: 6, characterSet: "abcdefghijklmnopqrstuvwxyz0123456789",
                             constant: "-loadtest", tlds: [".com", ".net"], count: count)
    }

    /// Makes the campaign the mix needs (with `rows` names, run to completion), if any.
    static func prepare(_ mix: ScenarioMix, client: DomainFlowClient, rows: Int) async throws -> ScenarioFixture {
        guard mix.entries.contains(where: { $0.scenario.needsCampaign }) else { return ScenarioFixture(campaignID: "") }
        let campaign = try await client.unary(Methods.createCampaign, CreateCampaignRequest(
            name: "loadtest-fixture", type: .domainGeneration, generation: smallPattern(count: UInt64(rows)), start: true))
        for try await state in try client.serverStream(Methods.watchCampaign, WatchCampaignRequest(id: campaign.id, intervalMillis: 50),
                                                        timeout: .seconds(600)) where state.status != .queued && state.status != .running {
            guard state.status == .completed else { throw LoadTestError("fixture campaign ended \(state.status.name)") }
        }
        let fixture = ScenarioFixture(campaignID: campaign.id)
        fixture.created.withLockedValue { $0.append(campaign.id) }
        return fixture
    }

    /// Deletes every campaign the run made.
    func cleanUp(_ client: DomainFlowClient) async {
        for id in created.withLockedValue({ $0 }) {
            _ = try? await client.unary(Methods.deleteCampaign, .init(id: id))
        }
    }
}

/// A weighted mix of scenarios, e.g. `ping:3,server-info:1`; picks deterministically by
/// request number so runs are repeatable.
public struct ScenarioMix: Sendable, Equatable {
    public let entries: [(scenario: Scenario, weight: Int)]

    public static func == (lhs: ScenarioMix, rhs: ScenarioMix) -> Bool {
        lhs.entries.map(\.scenario) == rhs.entries.map(\.scenario) && lhs.entries.map(\.weight) == rhs.entries.map(\.weight)
    }

    public init(_ entries: [(Scenario, Int)]) {
        self.entries = entries.map { (scenario: $0.0, weight: $0.1) }
    }

    /// Parses `name[:weight],...`; weight defaults to 1.
    public init(parsing text: String) throws {
        var entries: [(Scenario, Int)] = []
        for part in text.split(separator: ",") {
            let pieces = part.split(separator: ":", maxSplits: 1)
            let name = pieces[0].trimmingCharacters(in: .whitespaces)
            guard let scenario = Scenario(rawValue: name) else {
                throw LoadTestError("unknown scenario '\(name)'; known: \(Scenario.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let weight = pieces.count > 1 ? Int(pieces[1]) : 1
            guard let weight, weight > 0 else { throw LoadTestError("weight of '\(name)' must be a positive integer") }
            entries.append((scenario, weight))
        }
        guard !entries.isEmpty else { throw LoadTestError("no scenario given") }
        self.init(entries)
    }

    /// The scenario of request number `n`.
    func scenario(for n: Int) -> Scenario {
        let total = entries.reduce(0) { $0 + $1.weight }
        var slot = n % total
        for entry in entries {
            if slot < entry.weight { return entry.scenario }
            slot -= entry.weight
        }
        return entries[0].scenario
    }
}

/// A harness usage or setup error, shown as one line.
public struct LoadTestError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
