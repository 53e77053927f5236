/// The final outcome of one (name, record type) in a DNS campaign. Every kind is distinct end to end.
public enum DNSFinalOutcome: String, Sendable, CaseIterable, Codable {
    /// NOERROR with records of the type.
    case answer
    /// NOERROR, none of that type (NODATA).
    case nodata
    case nxdomain
    case servfail
    case refused
    /// No answer after every retry.
    case timeout
    /// FORMERR and other response codes, malformed replies, network errors.
    case error
}

/// What one resolver said to one query, as the resolution policy sees it.
public enum DNSReply: Sendable, Equatable {
    /// A response to the question: the outcome, the CNAME chain inside it and where the chain ends.
    case response(DNSOutcome, chain: [String], target: String)
    case timeout
    /// A malformed reply or a network error.
    case failure(String)
}

/// The result of resolving one (name, type).
public struct DNSResolution: Sendable, Equatable {
    public var outcome: DNSFinalOutcome
    public var records: [String] = []
    /// CNAME targets from the name to where its records are, in order.
    public var chain: [String] = []
    /// The resolver (index in the persona) that gave the final answer; nil when none answered.
    public var resolver: Int?
    public var attempts: Int
    /// The outcome in words (for errors, what went wrong).
    public var message: String
    /// NXDOMAIN said by at least the quorum of distinct resolvers.
    public var nxdomainAgreed = false

    public init(outcome: DNSFinalOutcome, records: [String] = [], chain: [String] = [], resolver: Int? = nil, attempts: Int,
                message: String, nxdomainAgreed: Bool = false) {
        self.outcome = outcome; self.records = records; self.chain = chain; self.resolver = resolver
        self.attempts = attempts; self.message = message; self.nxdomainAgreed = nxdomainAgreed
    }
}

/// The resolution policy for one (name, type), pure: what to ask next after each reply. Failures
/// (SERVFAIL, REFUSED, timeouts, errors) are retried up to `retries` times, each on another resolver where
/// there is one; NXDOMAIN is believed only when `quorum` distinct resolvers say it (extra resolvers are
/// asked for that, not counted as retries); an answer ends the query; a CNAME chain that ends without
/// the records is followed by asking for its target (at most 8 hops).
public struct DNSQueryState: Sendable {
    /// What to do next.
    public enum Step: Sendable, Equatable {
        /// Ask about `name`: at `resolver` when given (a CNAME hop stays with the resolver that gave it),
        /// otherwise at a resolver chosen excluding `tried`.
        case ask(name: String, resolver: Int?)
        case finish(DNSResolution)
    }

    public let name: String
    public let type: DNSRecordType
    public let retries: Int
    public let quorum: Int
    public private(set) var tried: [Int] = []
    public private(set) var attempts = 0
    private var failures = 0
    private var nxdomainFrom: [Int] = []
    private var chain: [String] = []
    private var current: String
    private var lastFailure: (DNSFinalOutcome, String)?

    public init(name: String, type: DNSRecordType, retries: Int, quorum: Int) {
        self.name = name; self.type = type; self.retries = max(0, retries); self.quorum = max(1, quorum)
        self.current = name
    }

    /// The name the next query asks about.
    public var currentName: String { current }

    /// The first step.
    public func start() -> Step { .ask(name: current, resolver: nil) }

    /// Records that a query went to `resolver`.
    public mutating func sent(to resolver: Int) {
        attempts += 1
        if !tried.contains(resolver) { tried.append(resolver) }
    }

    /// The step after `reply` from `resolver`; `untriedLeft` tells whether a trusted resolver not yet tried exists.
    public mutating func receive(_ reply: DNSReply, from resolver: Int, untriedLeft: Bool) -> Step {
        switch reply {
        case .response(.answers(let values), let more, _):
            return .finish(DNSResolution(outcome: .answer, records: values, chain: chain + more, resolver: resolver,
                                         attempts: attempts, message: "\(values.count) record\(values.count == 1 ? "" : "s")"))
        case .response(.noRecords, let more, let target):
            if !more.isEmpty, type != .cname, chain.count + more.count <= 8 {
                chain += more
                current = target
                return .ask(name: target, resolver: resolver)
            }
            return .finish(DNSResolution(outcome: .nodata, chain: chain + more, resolver: resolver, attempts: attempts,
                                         message: "no \(type.rawValue) records"))
        case .response(.nxdomain, _, _):
            if !nxdomainFrom.contains(resolver) { nxdomainFrom.append(resolver) }
            if nxdomainFrom.count >= quorum { return .finish(nxdomain(resolver)) }
            if untriedLeft { return .ask(name: current, resolver: nil) }
            return .finish(nxdomain(resolver))
        case .response(.servfail, _, _):
            return failed(.servfail, "SERVFAIL from the resolver", untriedLeft, resolver)
        case .response(.refused, _, _):
            return failed(.refused, "REFUSED by the resolver", untriedLeft, resolver)
        case .response(.otherCode(let code), _, _):
            return failed(.error, "response code \(code)\(code == 1 ? " (FORMERR)" : code == 4 ? " (NOTIMP)" : "")", untriedLeft, resolver)
        case .timeout:
            return failed(.timeout, "no answer", untriedLeft, resolver)
        case .failure(let message):
            return failed(.error, message, untriedLeft, resolver)
        }
    }

    private func nxdomain(_ resolver: Int) -> DNSResolution {
        let agreed = nxdomainFrom.count >= quorum
        let message = agreed ? (quorum == 1 ? "NXDOMAIN" : "NXDOMAIN from \(nxdomainFrom.count) resolvers")
                             : "NXDOMAIN from \(nxdomainFrom.count) of the \(quorum) resolvers the quorum needs"
        return DNSResolution(outcome: .nxdomain, chain: chain, resolver: resolver, attempts: attempts, message: message,
                             nxdomainAgreed: agreed)
    }

    private mutating func failed(_ outcome: DNSFinalOutcome, _ message: String, _ untriedLeft: Bool, _ resolver: Int) -> Step {
        failures += 1
        lastFailure = (outcome, message)
        if failures <= retries { return .ask(name: current, resolver: nil) }
        if !nxdomainFrom.isEmpty { return .finish(nxdomain(nxdomainFrom.last!)) }
        let words = outcome == .timeout ? "no answer after \(attempts) attempt\(attempts == 1 ? "" : "s")" : message
        return .finish(DNSResolution(outcome: outcome, chain: chain, resolver: outcome == .timeout ? nil : resolver,
                                     attempts: attempts, message: words))
    }
}
