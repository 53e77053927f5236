import Crypto
import DomainFlowCore
import DomainFlowStore
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOPosix

/// HTTP keyword validation: a batch is a range of offsets of its source DNS campaign; each live name
/// (valid, not wildcard) is fetched at the address its DNS phase stored (no second lookup; Host and SNI are
/// the name), `https://` then `http://` by default, with its HTTP persona (several rotate per name) and
/// through the campaign's proxies (rotated per request; a proxy's failure is retried through another and
/// recorded as a proxy error, never the target's fault; a proxy failing again and again is marked unhealthy,
/// and with none left the campaign pauses). The page's visible text is scored against the keyword sets;
/// parked pages are found by their signatures and are never leads. One summary per name and one row per
/// matched keyword go in with COPY; leads are marked on the names.
public final class HTTPKeywordPhase: CampaignPhase {
    public let campaignType = "http_keyword_validation"

    /// The campaign's options (`campaigns.parameters`).
    struct Options: Decodable {
        var minScore: Double?
        var schemes: [String]?
        var httpPort: Int?
        var httpsPort: Int?
        var concurrency: Int?
        var proxyResolves: Bool?
        var proxyRotation: String?
        var perHostLimit: Int?

        enum CodingKeys: String, CodingKey {
            case minScore = "min_score", schemes, httpPort = "http_port", httpsPort = "https_port", concurrency
            case proxyResolves = "proxy_resolves", proxyRotation = "proxy_rotation", perHostLimit = "per_host_limit"
        }
    }

    private let store: Store
    private let logger: Logger
    private let unseal: @Sendable (String) throws -> String
    private let limiters = RateLimiters()

    /// `unseal` opens a proxy's stored (sealed) password with the server's key.
    public init(store: Store, logger: Logger, unseal: @escaping @Sendable (String) throws -> String) {
        self.store = store
        self.logger = logger
        self.unseal = unseal
    }

    private struct Persona: Sendable {
        let id: UUID
        let settings: HTTPPersonaSettings
    }

    private struct Inputs: Sendable {
        var personas: [Persona]
        var rules: [KeywordScoringRule]
        var proxies: [CampaignProxy]
        var names: [Target]
        var namesRoot: UUID
        /// Proxies the campaign names, usable or not.
        var proxiesNamed: Int64 = 0
        /// An uploaded list's names are resolved here, through the campaign's DNS personas.
        var dnsPersonas: [DNSPersonaSettings] = []
    }

    /// One name to fetch: where (its stored or resolved address; nil when it has none) and, for a URL line, what.
    struct Target: Sendable {
        var name: String
        var offset: Int64
        var address: String?
        var url: String = ""
        /// The host its requests go to (per-host politeness): a URL line's host, else the name.
        var host: String { (url.isEmpty ? nil : URL(string: url)?.host?.lowercased()) ?? name }
    }

    public func process(_ batch: LeasedBatch) async throws -> BatchOutput {
        let options: Options
        do { options = try JSONDecoder().decode(Options.self, from: Data(batch.parameters.utf8)) } catch {
            throw PermanentPhaseError("bad parameters: \(error)")
        }
        let source = batch.sourceCampaignID
        let unseal = self.unseal
        let inputs = try await store.pool.withConnection(retryTransient: true) { c -> Inputs in
            let personas = try c.run(CampaignLinks.httpPersonaConfigs(of: batch.campaignID)).map { persona in
                do {
                    return Persona(id: persona.id, settings: try JSONDecoder().decode(HTTPPersonaSettings.self, from: Data(persona.config.utf8)))
                } catch {
                    throw PermanentPhaseError("an HTTP persona's stored configuration cannot be read: \(error)")
                }
            }
            let rules = try c.run(CampaignLinks.scoringRules(of: batch.campaignID)).map { rule in
                KeywordScoringRule(keyword: rule.keyword, isRegex: rule.isRegex, caseSensitive: rule.caseSensitive,
                                   weight: rule.weight, contextChars: rule.contextChars)
            }
            let proxies = try c.run(CampaignLinks.usableProxies(of: batch.campaignID)).compactMap {
                CampaignProxy($0, unseal: unseal)  // nil: not usable by this server, skipped
            }
            let proxiesNamed = Int64(try c.run(CampaignLinks.proxyCount(of: batch.campaignID)))
            let range = batch.startOffset..<(batch.startOffset + batch.count)
            guard let source else {
                // An uploaded list: its own names (URL lines keep their URL), resolved below.
                let names = try c.run(DomainNames.ofBatch(campaign: batch.campaignID, range)).map {
                    Target(name: $0.name, offset: $0.offset, address: nil, url: $0.url ?? "")
                }
                let dnsPersonas = try c.run(CampaignLinks.dnsPersonaConfigs(of: batch.campaignID)).map {
                    try DNSPersonaSettings(json: $0)
                }
                return Inputs(personas: personas, rules: rules, proxies: proxies, names: names, namesRoot: batch.campaignID,
                              proxiesNamed: proxiesNamed, dnsPersonas: dnsPersonas)
            }
            let names = try c.run(DNSResults.liveNames(campaign: source, range)).map {
                Target(name: $0.name, offset: $0.offset, address: $0.address)
            }
            let root = try c.run(Campaigns.namesRoot(of: source)) ?? source
            return Inputs(personas: personas, rules: rules, proxies: proxies, names: names, namesRoot: root, proxiesNamed: proxiesNamed)
        }
        guard !inputs.personas.isEmpty else { throw PermanentPhaseError("the campaign has no HTTP persona") }
        guard !inputs.rules.isEmpty else { throw PermanentPhaseError("the campaign's keyword sets have no active rule") }
        let compiled: CompiledKeywordRules
        do { compiled = try CompiledKeywordRules(inputs.rules) } catch { throw PermanentPhaseError("a keyword rule does not compile: \(error)") }
        let rotation = ProxyRotation(inputs.proxies, strategy: ProxyRotation.Strategy(rawValue: options.proxyRotation ?? "") ?? .roundRobin)
        if inputs.proxies.isEmpty, inputs.proxiesNamed > 0 {
            throw PausePhaseError("none of the campaign's proxies is usable (all disabled or unhealthy); fix or re-check them, then resume")
        }
        guard !inputs.names.isEmpty else { return BatchOutput(processed: batch.count, skipped: batch.count) { _ in } }
        var targets = inputs.names
        var lookups: Int64 = 0
        if source == nil {
            guard let dns = inputs.dnsPersonas.first else { throw PermanentPhaseError("an uploaded list needs a DNS persona to resolve its names") }
            (targets, lookups) = try await resolve(targets, dns, campaign: batch.campaignID)
        }

        let concurrency = max(1, min(options.concurrency ?? 50, 1000))
        let schemes = (options.schemes ?? ["https", "http"]).filter { $0 == "https" || $0 == "http" }
        let limiters = inputs.personas.indices.map { index in
            let rate = inputs.personas[index].settings.requestsPerSecond
            return self.limiters.limiter(campaign: batch.campaignID, key: "http:\(index)", rate: rate, burst: rate)
        }
        var rows: [PageRows] = []
        rows.reserveCapacity(inputs.names.count)
        // Fetchers, each taking the next name as soon as its own is done (a task per fetcher, not one per fetch): at
        // most `per_host_limit` fetches of one host at once (a URL list can name one host many times), `concurrency`
        // in all. A fetcher ends when no name may go now (every pending host is at its limit); one that frees a
        // host's slot takes that host's next name itself, and the group starts new fetchers as others end.
        let queue = NIOLockedValueBox(PerHostQueue(targets, limit: options.perHostLimit ?? 2) { $0.host })
        // Each page becomes its rows as soon as it is scored: a batch holds its rows, not its fetch results (their
        // headers, URLs and hits), until they are written.
        let fetchOne: @Sendable (Target) async throws -> PageRows = { entry in
            let personaIndex = Int(entry.offset % Int64(inputs.personas.count))
            let page = try await self.fetch(entry, persona: inputs.personas[personaIndex], limiter: limiters[personaIndex],
                                            schemes: schemes.isEmpty ? ["https", "http"] : schemes, options: options,
                                            rotation: rotation, rules: compiled)
            return PageRows(page, minScore: options.minScore, rules: inputs.rules)
        }
        try await withThrowingTaskGroup(of: [PageRows].self) { group in
            var running = 0
            func fill() {
                while running < concurrency, let first = queue.withLockedValue({ $0.next() }) {
                    running += 1
                    group.addTask {
                        var fetched: [PageRows] = []
                        var next: (item: Target, host: Int)? = first
                        while let (entry, host) = next {
                            fetched.append(try await fetchOne(entry))
                            next = queue.withLockedValue { queue in
                                queue.done(host: host)
                                return queue.next()
                            }
                        }
                        return fetched
                    }
                }
            }
            fill()
            while let fetched = try await group.next() {
                rows += fetched
                running -= 1
                fill()
            }
        }
        if rotation.allUnhealthy {
            throw PausePhaseError("every proxy of the campaign failed \(rotation.unhealthyAfter) times in a row and was marked unhealthy; re-check them, then resume")
        }
        rows.sort { $0.summary.offset < $1.summary.offset }  // in place: the rows go in in offset order
        var output = output(batch, namesRoot: inputs.namesRoot, rows: rows)
        output.queriesSent += lookups
        return output
    }

    /// The A records of an uploaded list's names, through the campaign's first DNS persona (its resolvers,
    /// retries, quorum and rate); a name without one is not fetched (`no_address`).
    private func resolve(_ targets: [Target], _ dns: DNSPersonaSettings, campaign: UUID) async throws -> ([Target], Int64) {
        let items = targets.map { DNSWorkItem(name: $0.name, type: .a) }
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let limiter = limiters.limiter(campaign: campaign, key: "dns:0", rate: dns.queriesPerSecond, burst: dns.burst)
        let run = try DNSQueryRun(items: items, settings: dns.run, limiter: limiter, loop: loop)
        let results = try await run.run().get()
        let sent = try await loop.submit { run.queriesSent }.get()
        var resolved = targets
        for index in resolved.indices {
            let r = results[index].resolution
            resolved[index].address = r.outcome == .answer ? r.records.first : nil
        }
        return (resolved, Int64(sent))
    }

    /// One name's fetch, scored.
    struct Page: Sendable {
        var name: String
        var offset: Int64
        var address: String
        var url: String
        var result: HTTPFetchResult?
        var error: HTTPFetchError?
        var proxy: UUID?
        var persona: UUID
        var allowed = false
        var score = 0.0
        var hits: [KeywordHit] = []
        var parked = ParkedPageDetector.Verdict(score: 0, signals: [])
        var title = ""
        var bodySHA256: String?
        var bodyBytes = 0
        var requests = 0
        var proxyFailures: [(UUID, String)] = []
        /// The name has no address to connect to (an uploaded name that does not resolve).
        var noAddress = false
    }

    private func fetch(_ entry: Target, persona: Persona, limiter: RateLimiter,
                       schemes: [String], options: Options, rotation: ProxyRotation, rules: CompiledKeywordRules) async throws -> Page {
        var page = Page(name: entry.name, offset: entry.offset, address: entry.address ?? "",
                        url: entry.url.isEmpty ? "\(schemes.first ?? "https")://\(entry.name)/" : entry.url, persona: persona.id)
        guard let address = entry.address else {
            page.noAddress = true
            return page
        }
        var errors: [String] = []
        // A URL line is fetched as given; a name at each scheme in turn.
        let urls: [URL] = entry.url.isEmpty ? schemes.compactMap { scheme in
            let port = scheme == "https" ? (options.httpsPort ?? 443) : (options.httpPort ?? 80)
            let defaultPort = scheme == "https" ? 443 : 80
            return URL(string: "\(scheme)://\(entry.name)\(port == defaultPort ? "" : ":\(port)")/")
        } : [URL(string: entry.url)].compactMap { $0 }
        schemeLoop: for url in urls {
            let scheme = url.scheme ?? "http"
            page.url = url.absoluteString
            var triedProxies: [UUID] = []
            while true {
                let proxy = rotation.isEmpty ? nil : rotation.choose(excluding: triedProxies)
                if !rotation.isEmpty, proxy == nil {
                    page.error = HTTPFetchError(.proxy, "no healthy proxy left to fetch through")
                    break schemeLoop
                }
                try await limiter.acquire()
                page.requests += 1
                let request = persona.settings.request(url, proxy: proxy?.endpoint, addresses: [entry.name: address],
                                                       proxyResolves: options.proxyResolves ?? false)
                do {
                    let result = try await HTTPFetcher.fetch(request)
                    if let proxy { rotation.recordSuccess(proxy.id) }
                    page.result = result
                    page.error = nil
                    page.proxy = proxy?.id
                    break schemeLoop
                } catch {
                    let viaProxyFailure = proxy != nil && (error.kind == .proxy || error.kind == .proxyAuthentication
                        || (error.kind == .connect && error.message.hasPrefix("proxy ")))
                    if let proxy, viaProxyFailure {
                        triedProxies.append(proxy.id)
                        if rotation.recordFailure(proxy.id) { page.proxyFailures.append((proxy.id, error.description)) }
                        page.error = error.kind == .connect ? HTTPFetchError(.proxy, error.message) : error
                        page.proxy = proxy.id
                        continue  // the proxy's fault: another proxy, same URL
                    }
                    page.error = error
                    page.proxy = proxy?.id
                    errors.append("\(scheme): \(error.description)")
                    continue schemeLoop
                }
            }
        }
        if var error = page.error, errors.count > 1 {
            error.message = errors.joined(separator: "; ")
            page.error = error
        }
        if var result = page.result {
            page.allowed = persona.settings.allows(result.status)
            let text = result.text
            page.title = ParkedPageDetector.title(utf8: result.body)
            let redirectedTo = result.redirects.isEmpty ? [] : (result.redirects + [result.finalURL]).dropFirst().map(\.absoluteString)
            page.parked = ParkedPageDetector.judge(html: String(decoding: result.body, as: UTF8.self), text: text, urls: redirectedTo)
            // The visible text holds the title too.
            if page.allowed {
                let scored = rules.score(text, snippetsPerRule: 1)
                page.score = scored.score
                page.hits = scored.hits
            }
            page.bodySHA256 = Self.sha256(result.body)
            page.bodyBytes = result.body.count
            result.body = []  // scored and hashed: a batch does not hold every page's body until its rows are written
            page.result = result
        }
        return page
    }

    /// The outcome of a page: lead, below the threshold, no keywords, parked, a status the persona does not
    /// allow, or the fetch error's kind.
    private static func outcome(_ page: Page, minScore: Double?) -> (outcome: String, business: String, lead: Bool) {
        if page.noAddress { return ("no_address", "http_invalid", false) }
        guard let result = page.result else {
            let kind = page.error?.kind ?? .connect
            let business = kind == .proxy || kind == .proxyAuthentication ? "proxy_error" : "http_invalid"
            return (kind.rawValue, business, false)
        }
        _ = result
        if !page.allowed { return ("http_status", "http_invalid", false) }
        if page.parked.isParked { return ("parked", "parked", false) }
        if page.hits.isEmpty { return ("no_keywords", "http_valid_no_keywords", false) }
        if let minScore, page.score < minScore { return ("below_min_score", "http_valid_no_keywords", false) }
        return ("lead", "lead_valid", true)
    }

    /// One page's rows: its summary (with its outcome and lead verdict), a row per matched keyword, and what its fetch cost.
    struct PageRows: Sendable {
        var summary: HTTPSummaryRecord
        var keywordHits: [KeywordHitRecord]
        var requests: Int
        var proxyFailures: [(UUID, String)]

        init(_ page: Page, minScore: Double?, rules: [KeywordScoringRule]) {
            let (outcome, business, lead) = HTTPKeywordPhase.outcome(page, minScore: minScore)
            let result = page.result
            // Matched keywords, one per keyword text (two rules with the same text add up).
            var byKeyword: [(keyword: String, count: Int, context: String)] = []
            for hit in page.hits {
                let keyword = rules[hit.rule].keyword
                if let index = byKeyword.firstIndex(where: { $0.keyword == keyword }) { byKeyword[index].count += hit.count }
                else { byKeyword.append((keyword, hit.count, hit.snippets.first ?? "")) }
            }
            let millis = result.map { Int64($0.elapsed.wholeMilliseconds) }
            let finalURL = result?.finalURL.absoluteString
            summary = HTTPSummaryRecord(
                offset: page.offset, name: page.name, url: page.url, finalURL: finalURL, statusCode: result.map { Int($0.status) },
                title: page.title.isEmpty ? nil : String(page.title.prefix(500)), bodySHA256: page.bodySHA256,
                bodyBytes: Int64(page.bodyBytes), truncated: result?.truncated ?? false,
                redirects: result?.redirects.map { $0.absoluteString } ?? [],
                server: result?.header("server"), httpVersion: result?.httpVersion,
                tls: finalURL?.hasPrefix("https://") ?? false, parkedScore: page.parked.score, parkedSignals: page.parked.signals,
                leadScore: page.score, isLead: lead,
                keywords: byKeyword.map { MatchedKeyword(keyword: $0.keyword, count: UInt64($0.count), context: $0.context) },
                outcome: outcome, errorKind: page.error?.kind.rawValue, errorMessage: page.error?.message, proxyID: page.proxy,
                personaID: page.persona, address: page.address, responseTimeMs: millis, businessStatus: business)
            keywordHits = byKeyword.map { keyword in
                KeywordHitRecord(
                    offset: page.offset, url: finalURL ?? page.url, keyword: String(keyword.keyword.prefix(255)),
                    occurrences: Int64(keyword.count), context: keyword.context.isEmpty ? nil : keyword.context,
                    responseCode: result.map { Int($0.status) }, responseTimeMs: millis, businessStatus: business)
            }
            requests = page.requests
            proxyFailures = page.proxyFailures
        }
    }

    /// The batch's output from its pages' rows, in offset order.
    private func output(_ batch: LeasedBatch, namesRoot: UUID, rows: [PageRows]) -> BatchOutput {
        var summaries: [HTTPSummaryRecord] = []
        var keywordHits: [KeywordHitRecord] = []
        var rollUp: [(offset: Int64, status: String)] = []
        var counts: [String: Int64] = [:]
        var requests: Int64 = 0
        var proxyFailures: [(UUID, String)] = []
        summaries.reserveCapacity(rows.count)
        rollUp.reserveCapacity(rows.count)
        for page in rows {
            counts[page.summary.outcome, default: 0] += 1
            requests += Int64(page.requests)
            proxyFailures += page.proxyFailures
            rollUp.append((page.summary.offset, page.summary.isLead ? "lead" : "no_lead"))
            summaries.append(page.summary)
            keywordHits += page.keywordHits
        }
        let fetched = Int64(rows.count)
        let finalSummaries = summaries, finalHits = keywordHits, finalRollUp = rollUp, failures = proxyFailures
        let logger = self.logger, campaign = batch.campaignID
        return BatchOutput(processed: batch.count, skipped: batch.count - fetched, outcomeCounts: counts, queriesSent: requests) { c in
            try c.copy(HTTPResults.copySummaries(into: campaign), finalSummaries)
            try c.copy(HTTPResults.copyKeywordHits(into: campaign), finalHits)
            try c.run(DomainNames.rollUpLeads(campaign: namesRoot, finalRollUp))
            for (proxy, why) in failures {
                let owner = try c.run(Proxies.markUnhealthy(id: proxy, why: why))
                try c.run(AuditLogs.insert(
                    userID: owner, action: "proxy_marked_unhealthy", resourceType: "proxy", resourceID: proxy,
                    details: #"{"reason": \#(JSONText.quote(why)), "campaign_id": "\#(campaign.lowercasedString)"}"#,
                    userAgent: "domainflow-engine"))
                logger.notice("proxy marked unhealthy", metadata: ["proxy": "\(proxy)", "reason": "\(why)"])
            }
        }
    }
}

extension HTTPKeywordPhase {
    static func sha256(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: bytes) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}

/// A failure that the user should see and fix before the campaign goes on: the campaign is paused with it.
public struct PausePhaseError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
