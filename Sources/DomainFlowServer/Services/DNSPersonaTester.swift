import DomainFlowCore
import DomainFlowEngine
import DomainFlowWire

/// Runs a DNS persona's queries for one name through each of its resolvers, all at once (UDP on the
/// event loops): the real check behind `TestDnsPersona`.
enum DNSPersonaTester {
    static func run(_ persona: DnsPersona, name: String) async throws -> [DnsTestResult] {
        let timeout = Duration.milliseconds(Int(persona.timeoutMillis == 0 ? 2000 : persona.timeoutMillis))
        var jobs: [(resolver: String, host: String, port: Int, type: DNSRecordType)] = []
        for resolver in persona.resolvers {
            guard let (host, port) = ResolverAddress.parse(resolver.address) else { continue }
            for typeName in persona.recordTypes.isEmpty ? ["A"] : persona.recordTypes {
                if let type = DNSRecordType(rawValue: typeName) { jobs.append((resolver.address, host, port, type)) }
            }
        }
        return try await withThrowingTaskGroup(of: (Int, DnsTestResult).self) { group in
            for (index, job) in jobs.enumerated() {
                group.addTask {
                    let start = ContinuousClock.now
                    let result = await DNSClient.query(name, type: job.type, host: job.host, port: job.port, timeout: timeout)
                    let elapsed = ContinuousClock.now - start
                    let millis = UInt32(clamping: elapsed.wholeMilliseconds)
                    return (index, DnsTestResult(resolver: job.resolver, recordType: job.type.rawValue, result: result, millis: millis))
                }
            }
            var results: [(Int, DnsTestResult)] = []
            for try await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }
}

extension DnsTestResult {
    init(resolver: String, recordType: String, result: DNSClient.Result, millis: UInt32) {
        switch result {
        case .outcome(.answers(let answers)): self.init(resolver: resolver, recordType: recordType, outcome: .answer, answers: answers, millis: millis)
        case .outcome(.noRecords): self.init(resolver: resolver, recordType: recordType, outcome: .noRecords, millis: millis)
        case .outcome(.nxdomain): self.init(resolver: resolver, recordType: recordType, outcome: .nxdomain, millis: millis)
        case .outcome(.servfail): self.init(resolver: resolver, recordType: recordType, outcome: .servfail, millis: millis)
        case .outcome(.refused): self.init(resolver: resolver, recordType: recordType, outcome: .refused, millis: millis)
        case .outcome(.otherCode(let code)):
            self.init(resolver: resolver, recordType: recordType, outcome: .error, millis: millis, error: "response code \(code)")
        case .timeout: self.init(resolver: resolver, recordType: recordType, outcome: .timeout, millis: millis)
        case .error(let message): self.init(resolver: resolver, recordType: recordType, outcome: .error, millis: millis, error: message)
        }
    }
}
