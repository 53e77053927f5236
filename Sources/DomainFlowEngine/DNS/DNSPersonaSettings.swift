import DomainFlowCore
import Foundation

/// A DNS persona's stored configuration (`personas.config`, validated by the server when it was saved)
/// as the engine applies it: every field of the persona becomes a setting of the run.
struct DNSPersonaSettings: Sendable {
    var run: DNSRunSettings
    var recordTypes: [DNSRecordType]
    var queriesPerSecond: UInt32
    var burst: UInt32

    /// The stored JSON's shape (the persona message's fields by their Swift names).
    private struct Stored: Decodable {
        struct Resolver: Decodable { var address: String; var weight: UInt32? }
        var resolvers: [Resolver]
        var rotation: Int?
        var recordTypes: [String]?
        var timeoutMillis: UInt32?
        var retries: UInt32?
        var concurrency: UInt32?
        var queriesPerSecond: UInt32?
        var burst: UInt32?
        var delayMinMillis: UInt32?
        var delayMaxMillis: UInt32?
        var nxdomainQuorum: UInt32?
    }

    init(json: String) throws {
        let stored: Stored
        do { stored = try JSONDecoder().decode(Stored.self, from: Data(json.utf8)) } catch {
            throw PermanentPhaseError("a DNS persona's stored configuration cannot be read: \(error)")
        }
        guard !stored.resolvers.isEmpty else { throw PermanentPhaseError("a DNS persona has no resolvers") }
        let rotation: ResolverSelector.Rotation
        switch stored.rotation ?? 1 {
        case 2: rotation = .random
        case 3: rotation = .weighted
        case 4: rotation = .sequentialFailover
        default: rotation = .roundRobin
        }
        var types: [DNSRecordType] = []
        for name in stored.recordTypes ?? ["A"] {
            guard let type = DNSRecordType(rawValue: name.uppercased()) else { throw PermanentPhaseError("unknown record type \(name)") }
            if !types.contains(type) { types.append(type) }
        }
        run = DNSRunSettings(resolvers: stored.resolvers.map(\.address), weights: stored.resolvers.map { Int($0.weight ?? 1) },
                             rotation: rotation, timeout: .milliseconds(Int(max(1, stored.timeoutMillis ?? 2000))),
                             retries: Int(stored.retries ?? 2), concurrency: Int(max(1, stored.concurrency ?? 100)),
                             nxdomainQuorum: Int(max(1, stored.nxdomainQuorum ?? 1)),
                             delayMinMillis: Int(stored.delayMinMillis ?? 0), delayMaxMillis: Int(stored.delayMaxMillis ?? 0))
        recordTypes = types.isEmpty ? [.a] : types
        queriesPerSecond = stored.queriesPerSecond ?? 0
        burst = stored.burst ?? 0
    }
}
