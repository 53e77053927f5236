/// Wildcard and lying-resolver judgement from probes of random labels under a parent zone, pure.
///
/// For a parent (`com`, `shop.example`), a few names that cannot exist (random labels) are asked of every
/// trusted resolver. A resolver that answers them while another says NXDOMAIN is lying (NXDOMAIN
/// hijacking): its answers are not believed. When the honest resolvers answer them, the parent has a
/// wildcard: its signature is every address (or CNAME target) seen over all probes, so load-balanced and
/// rotating wildcards are caught, and a name under it whose answer shares any of them is a wildcard hit.
public enum WildcardDetector {
    /// One probe's reply from one resolver.
    public struct ProbeReply: Sendable, Equatable {
        public var resolver: Int
        public var type: DNSRecordType
        public var outcome: DNSFinalOutcome
        public var records: [String]
        public var chain: [String]
        public init(resolver: Int, type: DNSRecordType, outcome: DNSFinalOutcome, records: [String], chain: [String]) {
            self.resolver = resolver; self.type = type; self.outcome = outcome; self.records = records; self.chain = chain
        }
    }

    /// What the probes of one parent showed.
    public struct Verdict: Sendable, Equatable {
        /// Resolvers that answered names that other resolvers say do not exist.
        public var lyingResolvers: Set<Int> = []
        /// Per record type, the wildcard's values (records and CNAME targets); empty: no wildcard.
        public var signature: [DNSRecordType: Set<String>] = [:]
        public var isWildcard: Bool { signature.values.contains { !$0.isEmpty } }
    }

    /// `count` random labels of 12 lower-case letters and digits, with an injected random source.
    public static func probeLabels(count: Int, random: (Int) -> Int) -> [String] {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return (0..<count).map { _ in String((0..<12).map { _ in alphabet[random(alphabet.count)] }) }
    }

    /// The parent zone of `name`: all but its first label ("" for a single label).
    public static func parent(of name: String) -> String {
        guard let dot = name.firstIndex(of: ".") else { return "" }
        return String(name[name.index(after: dot)...])
    }

    /// Judges the replies to the probes of one parent.
    public static func judge(_ replies: [ProbeReply]) -> Verdict {
        var verdict = Verdict()
        let denied = Set(replies.filter { $0.outcome == .nxdomain }.map(\.resolver))
        let answering = Set(replies.filter { $0.outcome == .answer || (!$0.chain.isEmpty && $0.outcome == .nodata) }.map(\.resolver))
        if !denied.isEmpty {
            // Someone says these names do not exist: those who answer them are lying.
            verdict.lyingResolvers = answering.subtracting(denied)
            return verdict
        }
        for reply in replies where answering.contains(reply.resolver) {
            verdict.signature[reply.type, default: []].formUnion(reply.records)
            verdict.signature[reply.type, default: []].formUnion(reply.chain)
        }
        return verdict
    }

    /// Whether an answer (records and CNAME chain) of `type` matches a wildcard `signature`.
    public static func matches(records: [String], chain: [String], type: DNSRecordType, signature: [DNSRecordType: Set<String>]) -> Bool {
        guard let values = signature[type], !values.isEmpty else { return false }
        return records.contains(where: values.contains) || chain.contains(where: values.contains)
    }
}
