import DomainFlowClient
import DomainFlowWire

/// One kind of call the harness makes.
public enum Scenario: String, Sendable, CaseIterable {
    case ping
    case serverInfo = "server-info"
    case whoAmI = "whoami"

    /// Makes one call; throws the call's error.
    func call(on client: DomainFlowClient, payload: [UInt8]) async throws {
        switch self {
        case .ping:
            _ = try await client.unary(Methods.ping, PingRequest(payload: payload))
        case .serverInfo:
            _ = try await client.unary(Methods.serverInfo, Empty())
        case .whoAmI:
            _ = try await client.unary(Methods.whoAmI, Empty())
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

import Foundation
