import DomainFlowCore
import DomainFlowWire
import Foundation

/// The rules for persona configurations, applied at create and update. Each violation is
/// INVALID_ARGUMENT naming the field; defaults are filled in for what was left zero.
enum PersonaValidation {
    static let recordTypes: Set<String> = ["A", "AAAA", "CNAME", "MX", "NS", "TXT"]

    static func dns(_ input: DnsPersona) throws -> DnsPersona {
        var p = input
        guard !p.resolvers.isEmpty else { throw RPCError.invalidArgument("dns.resolvers: at least one resolver is needed") }
        guard p.resolvers.count <= 64 else { throw RPCError.invalidArgument("dns.resolvers: at most 64") }
        for (i, resolver) in p.resolvers.enumerated() {
            guard ResolverAddress.parse(resolver.address) != nil else {
                throw RPCError.invalidArgument("dns.resolvers[\(i)].address: '\(resolver.address)' is not an IPv4 or IPv6 address with an optional port (e.g. 192.0.2.1:53, [2001:db8::1]:53)")
            }
            if resolver.weight == 0 { p.resolvers[i].weight = 1 }
        }
        if p.rotation == .unspecified { p.rotation = .roundRobin }
        var types: [String] = []
        for type in p.recordTypes.map({ $0.uppercased() }) where !types.contains(type) {
            guard recordTypes.contains(type) else {
                throw RPCError.invalidArgument("dns.record_types: unknown record type '\(type)'; use A, AAAA, CNAME, MX, NS or TXT")
            }
            types.append(type)
        }
        p.recordTypes = types.isEmpty ? ["A"] : types
        guard p.timeoutMillis > 0 else { throw RPCError.invalidArgument("dns.timeout_millis: must be greater than 0") }
        guard p.timeoutMillis <= 60_000 else { throw RPCError.invalidArgument("dns.timeout_millis: at most 60000") }
        guard p.retries <= 10 else { throw RPCError.invalidArgument("dns.retries: at most 10") }
        if p.concurrency == 0 { p.concurrency = 10 }
        guard p.concurrency <= 10_000 else { throw RPCError.invalidArgument("dns.concurrency: at most 10000") }
        if p.burst == 0 { p.burst = p.queriesPerSecond }
        guard p.delayMinMillis <= p.delayMaxMillis else {
            throw RPCError.invalidArgument("dns.delay_min_millis: must not exceed delay_max_millis")
        }
        if p.nxdomainQuorum == 0 { p.nxdomainQuorum = 1 }
        guard p.nxdomainQuorum <= UInt32(p.resolvers.count) else {
            throw RPCError.invalidArgument("dns.nxdomain_quorum: at most the number of resolvers (\(p.resolvers.count))")
        }
        return p
    }

    static func http(_ input: HttpPersona) throws -> HttpPersona {
        var p = input
        try headerValue(p.userAgent, field: "http.user_agent", max: 512)
        try headerValue(p.acceptLanguage, field: "http.accept_language", max: 255)
        try headerValue(p.acceptEncoding, field: "http.accept_encoding", max: 255)
        guard p.headers.count <= 100 else { throw RPCError.invalidArgument("http.headers: at most 100") }
        for (i, header) in p.headers.enumerated() {
            guard !header.name.isEmpty, header.name.utf8.count <= 128,
                  header.name.range(of: #"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"#, options: .regularExpression) != nil else {
                throw RPCError.invalidArgument("http.headers[\(i)].name: '\(header.name)' is not a valid header name")
            }
            try headerValue(header.value, field: "http.headers[\(i)].value", max: 8192)
        }
        guard p.timeoutMillis > 0 else { throw RPCError.invalidArgument("http.timeout_millis: must be greater than 0") }
        guard p.timeoutMillis <= 300_000 else { throw RPCError.invalidArgument("http.timeout_millis: at most 300000") }
        guard p.maxRedirects <= 20 else { throw RPCError.invalidArgument("http.max_redirects: at most 20") }
        if p.followRedirects && p.maxRedirects == 0 { p.maxRedirects = 5 }
        for code in p.allowedStatusCodes where !(100...599).contains(code) {
            throw RPCError.invalidArgument("http.allowed_status_codes: \(code) is not an HTTP status code")
        }
        if p.maxBodyBytes == 0 { p.maxBodyBytes = 1 << 20 }
        guard p.maxBodyBytes <= 64 << 20 else { throw RPCError.invalidArgument("http.max_body_bytes: at most 64 MiB") }
        return p
    }

    /// A value that goes into an HTTP header: no CR, LF or NUL (header injection), bounded length.
    private static func headerValue(_ value: String, field: String, max: Int) throws {
        guard !InputValidation.hasLineBreakOrNUL(value) else {
            throw RPCError.invalidArgument("\(field): must not contain CR, LF or NUL")
        }
        guard value.utf8.count <= max else { throw RPCError.invalidArgument("\(field): at most \(max) bytes") }
    }
}
