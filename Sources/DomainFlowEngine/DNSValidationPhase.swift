import DomainFlowCore
import DomainFlowStore
import Foundation
import Logging
import NIOCore
import NIOPosix

/// DNS validation: a batch is a range of offsets of the campaign's names (its source campaign's, or its own
/// uploaded list), each resolved for each record type of its DNS persona (several personas rotate per
/// name). Before names under a parent zone are believed, random labels under that parent are asked of
/// every resolver, once per parent per campaign: resolvers that answer names others call NXDOMAIN are
/// lying and are not believed; answers that match the parent's wildcard are marked as wildcard. Rows go
/// in with COPY; each name's roll-up (live, wildcard, dead, error; available) goes onto the names read.
public final class DNSValidationPhase: CampaignPhase {
    public let campaignType = "dns_validation"
    /// Random labels asked per parent zone and record type.
    static let probesPerParent = 3

    private let store: Store
    private let logger: Logger
    private let group: any EventLoopGroup
    private let limiters = RateLimiters()

    public init(store: Store, logger: Logger, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.store = store
        self.logger = logger
        self.group = group
    }

    private struct Inputs: Sendable {
        var personas: [DNSPersonaSettings]
        var wildcards: [String: [DNSRecordType: Set<String>]]
        var lying: [String: String]
        var names: [(name: String, offset: Int64)]
    }

    public func process(_ batch: LeasedBatch) async throws -> BatchOutput {
        let namesOf = batch.sourceCampaignID ?? batch.campaignID
        let inputs = try await store.pool.withConnection(retryTransient: true) { c -> Inputs in
            let personas = try c.run(CampaignLinks.dnsPersonaConfigs(of: batch.campaignID)).map { try DNSPersonaSettings(json: $0) }
            var wildcards: [String: [DNSRecordType: Set<String>]] = [:]
            var lying: [String: String] = [:]
            for finding in try c.run(Findings.of(campaign: batch.campaignID)) {
                switch finding.kind {
                case "wildcard_probe": wildcards[finding.subject] = WildcardSignatureText.decode(finding.detail)
                case "lying_resolver": lying[finding.subject] = finding.detail
                default: break
                }
            }
            let names = try c.run(DomainNames.ofBatch(campaign: namesOf, batch.startOffset..<(batch.startOffset + batch.count)))
                .map { (name: $0.name, offset: $0.offset) }
            return Inputs(personas: personas, wildcards: wildcards, lying: lying, names: names)
        }
        guard !inputs.personas.isEmpty else { throw PermanentPhaseError("the campaign has no DNS persona") }
        guard !inputs.names.isEmpty else {
            return BatchOutput(processed: batch.count, skipped: batch.count) { _ in }
        }

        // Several personas rotate per name: the name at offset o goes to persona o mod n.
        var groups = Array(repeating: [(name: String, offset: Int64)](), count: inputs.personas.count)
        for entry in inputs.names { groups[Int(entry.offset % Int64(inputs.personas.count))].append(entry) }
        let resolveStart = ContinuousClock.now
        let outcomes = try await withThrowingTaskGroup(of: PersonaOutcome.self) { tasks in
            for (index, names) in groups.enumerated() where !names.isEmpty {
                let persona = inputs.personas[index]
                let limiter = limiters.limiter(campaign: batch.campaignID, key: "dns:\(index)", rate: persona.queriesPerSecond,
                                               burst: persona.burst)
                tasks.addTask {
                    try await self.resolve(names, persona: persona, limiter: limiter, wildcards: inputs.wildcards, lying: inputs.lying)
                }
            }
            var all: [PersonaOutcome] = []
            for try await outcome in tasks { all.append(outcome) }
            return all
        }
        let built = output(batch, namesOf: namesOf, outcomes)
        logger.debug("dns batch resolved", metadata: ["batch": "\(batch.batchIndex)", "names": "\(inputs.names.count)",
                                                      "ms": "\((ContinuousClock.now - resolveStart).wholeMilliseconds)"])
        return built
    }

    /// What one persona's names came to, and what its probes found.
    private struct PersonaOutcome: Sendable {
        var rows: [DNSResultRecord] = []
        var rollUp: [(offset: Int64, status: String, available: Bool)] = []
        var counts: [String: Int64] = [:]
        var queries: Int64 = 0
        var newWildcards: [String: [DNSRecordType: Set<String>]] = [:]
        var newLiars: [String: String] = [:]
    }

    private func resolve(_ names: [(name: String, offset: Int64)], persona: DNSPersonaSettings, limiter: RateLimiter,
                         wildcards known: [String: [DNSRecordType: Set<String>]], lying knownLiars: [String: String]) async throws -> PersonaOutcome {
        var outcome = PersonaOutcome()
        var wildcards = known
        var distrusted = Set(persona.run.resolvers.indices.filter { knownLiars[persona.run.resolvers[$0]] != nil })
        let loop = group.next()

        // Wildcard and lying-resolver probes for parents not seen before in this campaign.
        let parents = Set(names.map { WildcardDetector.parent(of: $0.name) }).filter { !$0.isEmpty && wildcards[$0] == nil }.sorted()
        if !parents.isEmpty {
            var probes: [DNSWorkItem] = []
            var probeParents: [String] = []
            let askable = persona.run.resolvers.indices.filter { !distrusted.contains($0) }
            for parent in parents {
                for label in WildcardDetector.probeLabels(count: Self.probesPerParent, random: { Int.random(in: 0..<$0) }) {
                    for type in persona.recordTypes {
                        for resolver in askable.isEmpty ? Array(persona.run.resolvers.indices) : askable {
                            probes.append(DNSWorkItem(name: "\(label).\(parent)", type: type, pinnedResolver: resolver))
                            probeParents.append(parent)
                        }
                    }
                }
            }
            let run = try DNSQueryRun(items: probes, settings: persona.run, limiter: limiter, distrusted: [], loop: loop)
            let results = try await run.run().get()
            outcome.queries += Int64(try await loop.submit { run.queriesSent }.get())
            var replies: [String: [WildcardDetector.ProbeReply]] = [:]
            for (index, result) in results.enumerated() {
                replies[probeParents[index], default: []].append(WildcardDetector.ProbeReply(
                    resolver: probes[index].pinnedResolver!, type: probes[index].type, outcome: result.resolution.outcome,
                    records: result.resolution.records, chain: result.resolution.chain))
            }
            for parent in parents {
                let verdict = WildcardDetector.judge(replies[parent] ?? [])
                wildcards[parent] = verdict.signature
                outcome.newWildcards[parent] = verdict.signature
                for liar in verdict.lyingResolvers {
                    distrusted.insert(liar)
                    outcome.newLiars[persona.run.resolvers[liar]] = parent
                }
            }
            if !outcome.newLiars.isEmpty {
                logger.notice("lying resolvers found", metadata: ["resolvers": "\(outcome.newLiars.keys.sorted())"])
            }
        }

        var items: [DNSWorkItem] = []
        items.reserveCapacity(names.count * persona.recordTypes.count)
        for entry in names { for type in persona.recordTypes { items.append(DNSWorkItem(name: entry.name, type: type)) } }
        let run = try DNSQueryRun(items: items, settings: persona.run, limiter: limiter, distrusted: distrusted, loop: loop)
        let results = try await run.run().get()
        outcome.queries += Int64(try await loop.submit { run.queriesSent }.get())

        outcome.rows.reserveCapacity(items.count)
        let types = persona.recordTypes.count
        for (nameIndex, entry) in names.enumerated() {
            let signature = wildcards[WildcardDetector.parent(of: entry.name)] ?? [:]
            var live = false, wildcard = false, dead = true, available = false
            for t in 0..<types {
                let item = items[nameIndex * types + t]
                let result = results[nameIndex * types + t]
                let r = result.resolution
                let isWildcard = r.outcome == .answer
                    && WildcardDetector.matches(records: r.records, chain: r.chain, type: item.type, signature: signature)
                let business: String
                switch r.outcome {
                case .answer: business = isWildcard ? "wildcard_dns" : "valid_dns"
                case .nodata, .nxdomain: business = "invalid_dns"
                case .servfail, .refused, .timeout, .error: business = "dns_error"
                }
                live = live || business == "valid_dns"
                wildcard = wildcard || isWildcard
                dead = dead && business == "invalid_dns"
                available = available || r.nxdomainAgreed
                outcome.counts[isWildcard ? "wildcard" : r.outcome.rawValue, default: 0] += 1
                let message = isWildcard ? "matches the wildcard of \(WildcardDetector.parent(of: entry.name))" : r.message
                outcome.rows.append(DNSResultRecord(
                    name: entry.name, recordType: item.type.rawValue, outcome: r.outcome.rawValue, records: r.records,
                    businessStatus: business, responseTimeMs: Int64(result.elapsedMillis),
                    resolver: r.resolver.map { persona.run.resolvers[$0] }, attempts: Int64(r.attempts), cnameChain: r.chain,
                    message: message, offset: entry.offset, isAvailable: r.nxdomainAgreed))
            }
            let status = live ? "dns_live" : wildcard ? "dns_wildcard" : dead ? "dns_dead" : "dns_error"
            outcome.rollUp.append((entry.offset, status, available))
        }
        return outcome
    }

    private func output(_ batch: LeasedBatch, namesOf: UUID, _ outcomes: [PersonaOutcome]) -> BatchOutput {
        var counts: [String: Int64] = [:]
        var queries: Int64 = 0
        var rollUp: [(offset: Int64, status: String, available: Bool)] = []
        var findings: [FindingRecord] = []
        var rows: [DNSResultRecord] = []
        for outcome in outcomes {
            for (key, value) in outcome.counts { counts[key, default: 0] += value }
            queries += outcome.queries
            rollUp += outcome.rollUp
            rows += outcome.rows
            for (parent, signature) in outcome.newWildcards {
                findings.append(FindingRecord(kind: "wildcard_probe", subject: parent, detail: WildcardSignatureText.encode(signature)))
            }
            for (resolver, parent) in outcome.newLiars {
                findings.append(FindingRecord(kind: "lying_resolver", subject: resolver, detail: parent))
            }
        }
        let names = Int64(rollUp.count)
        let finalRows = rows, finalFindings = findings, finalRollUp = rollUp, campaign = batch.campaignID
        return BatchOutput(processed: batch.count, skipped: batch.count - names, outcomeCounts: counts, queriesSent: queries) { c in
            try c.copy(DNSResults.copy(into: campaign), finalRows)
            try c.run(DomainNames.rollUpDNS(campaign: namesOf, finalRollUp))
            for finding in finalFindings { try c.run(Findings.insert(campaign: campaign, finding)) }
        }
    }
}

/// A wildcard signature as stored in `campaign_findings.detail`: `{"A": ["192.0.2.1"], ...}`, `{}` for none.
enum WildcardSignatureText {
    static func encode(_ signature: [DNSRecordType: Set<String>]) -> String {
        var plain: [String: [String]] = [:]
        for (type, values) in signature where !values.isEmpty { plain[type.rawValue] = values.sorted() }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? String(decoding: encoder.encode(plain), as: UTF8.self)) ?? "{}"
    }

    static func decode(_ text: String) -> [DNSRecordType: Set<String>] {
        guard let plain = try? JSONDecoder().decode([String: [String]].self, from: Data(text.utf8)) else { return [:] }
        var signature: [DNSRecordType: Set<String>] = [:]
        for (type, values) in plain { if let t = DNSRecordType(rawValue: type) { signature[t] = Set(values) } }
        return signature
    }
}
