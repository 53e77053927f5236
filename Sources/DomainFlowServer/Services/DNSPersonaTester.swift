import DomainFlowCore
import DomainFlowEngine
import DomainFlowWire
import NIOPosix

/// Runs a DNS persona's queries for one name through each of its resolvers, all at once, with the
/// campaigns' own resolver (`DNSQueryRun`, one attempt per resolver, pinned to it): the real check behind
/// `TestDnsPersona`.
enum DNSPersonaTester {
    static func run(_ persona: DnsPersona, name: String) async throws -> [DnsTestResult] {
        let types = (persona.recordTypes.isEmpty ? ["A"] : persona.recordTypes).compactMap(DNSRecordType.init(rawValue:))
        var items: [DNSWorkItem] = []
        for index in persona.resolvers.indices {
            for type in types { items.append(DNSWorkItem(name: name, type: type, pinnedResolver: index)) }
        }
        let settings = DNSRunSettings(resolvers: persona.resolvers.map(\.address),
                                      timeout: .milliseconds(Int(persona.timeoutMillis == 0 ? 2000 : persona.timeoutMillis)),
                                      retries: 0, concurrency: max(1, items.count))
        let run = try DNSQueryRun(items: items, settings: settings, limiter: RateLimiter(queriesPerSecond: 0, burst: 0),
                                  loop: MultiThreadedEventLoopGroup.singleton.next())
        let results = try await run.run().get()
        return zip(items, results).map { item, result in
            DnsTestResult(resolver: persona.resolvers[item.pinnedResolver!].address, recordType: item.type.rawValue,
                          resolution: result.resolution, millis: UInt32(clamping: result.elapsedMillis))
        }
    }
}

extension DnsTestResult {
    init(resolver: String, recordType: String, resolution r: DNSResolution, millis: UInt32) {
        let outcome: DnsTestOutcome
        switch r.outcome {
        case .answer: outcome = .answer
        case .nodata: outcome = .noRecords
        case .nxdomain: outcome = .nxdomain
        case .servfail: outcome = .servfail
        case .refused: outcome = .refused
        case .timeout: outcome = .timeout
        case .error: outcome = .error
        }
        self.init(resolver: resolver, recordType: recordType, outcome: outcome, answers: r.records, millis: millis,
                  error: r.outcome == .error ? r.message : "")
    }
}
