/// `PersonaKind`.
public enum PersonaKind: Int32, Sendable, CaseIterable, Codable {
    case unspecified = 0, dns = 1, http = 2
    /// The name stored in `personas.kind`.
    public var name: String { self == .dns ? "dns" : self == .http ? "http" : "" }
    public init?(name: String) { self.init(rawValue: name == "dns" ? 1 : name == "http" ? 2 : -1) }
}

/// `ResolverRotation`.
public enum ResolverRotation: Int32, Sendable, CaseIterable, Codable {
    case unspecified = 0, roundRobin, random, weighted, sequentialFailover
}

/// `Resolver`.
public struct Resolver: WireMessage, Equatable, Codable {
    public var address: String
    public var weight: UInt32
    public init(address: String, weight: UInt32 = 0) { self.address = address; self.weight = weight }
    public init(fields f: ProtoFields) { self.init(address: f.string(1), weight: f.uint32(2)) }
    public var fields: ProtoFields { [1: .string(address), 2: .uint(UInt64(weight))] }
}

/// `DnsPersona`: how a DNS persona resolves.
public struct DnsPersona: WireMessage, Equatable, Codable {
    public var resolvers: [Resolver] = []
    public var rotation = ResolverRotation.unspecified
    public var recordTypes: [String] = []
    public var timeoutMillis: UInt32 = 0
    public var retries: UInt32 = 0
    public var concurrency: UInt32 = 0
    public var queriesPerSecond: UInt32 = 0
    public var burst: UInt32 = 0
    public var delayMinMillis: UInt32 = 0
    public var delayMaxMillis: UInt32 = 0
    public var nxdomainQuorum: UInt32 = 0

    public init() {}
    public init(fields f: ProtoFields) throws {
        resolvers = f.list(1).compactMap { if case .message(let m) = $0 { Resolver(fields: m) } else { nil } }
        rotation = try decodeEnum(f.int32(2), "dns.rotation")
        recordTypes = f.list(3).compactMap { if case .string(let s) = $0 { s } else { nil } }
        timeoutMillis = f.uint32(4); retries = f.uint32(5); concurrency = f.uint32(6); queriesPerSecond = f.uint32(7)
        burst = f.uint32(8); delayMinMillis = f.uint32(9); delayMaxMillis = f.uint32(10); nxdomainQuorum = f.uint32(11)
    }
    public var fields: ProtoFields {
        [1: resolvers.isEmpty ? nil : .list(resolvers.map { .message($0.fields) }), 2: .int(Int64(rotation.rawValue)),
         3: recordTypes.isEmpty ? nil : .list(recordTypes.map { .string($0) }), 4: .uint(UInt64(timeoutMillis)),
         5: .uint(UInt64(retries)), 6: .uint(UInt64(concurrency)), 7: .uint(UInt64(queriesPerSecond)), 8: .uint(UInt64(burst)),
         9: .uint(UInt64(delayMinMillis)), 10: .uint(UInt64(delayMaxMillis)), 11: .uint(UInt64(nxdomainQuorum))]
    }
}

/// `HttpHeader`.
public struct HTTPHeader: WireMessage, Equatable, Codable {
    public var name: String
    public var value: String
    public init(name: String, value: String) { self.name = name; self.value = value }
    public init(fields f: ProtoFields) { self.init(name: f.string(1), value: f.string(2)) }
    public var fields: ProtoFields { [1: .string(name), 2: .string(value)] }
}

/// `HttpPersona`: how an HTTP persona fetches.
public struct HttpPersona: WireMessage, Equatable, Codable {
    public var userAgent = ""
    public var headers: [HTTPHeader] = []
    public var acceptLanguage = ""
    public var acceptEncoding = ""
    public var timeoutMillis: UInt32 = 0
    public var followRedirects = false
    public var maxRedirects: UInt32 = 0
    public var allowedStatusCodes: [UInt32] = []
    public var maxBodyBytes: UInt64 = 0
    public var skipTLSVerification = false
    public var allowHTTP2 = false
    public var keepCookies = false
    public var requestsPerSecond: UInt32 = 0

    public init() {}
    public init(fields f: ProtoFields) {
        userAgent = f.string(1)
        headers = f.list(2).compactMap { if case .message(let m) = $0 { HTTPHeader(fields: m) } else { nil } }
        acceptLanguage = f.string(3); acceptEncoding = f.string(4); timeoutMillis = f.uint32(5); followRedirects = f.bool(6)
        maxRedirects = f.uint32(7)
        allowedStatusCodes = f.list(8).compactMap { if case .uint(let v) = $0 { UInt32(truncatingIfNeeded: v) } else { nil } }
        maxBodyBytes = f.uint64(9); skipTLSVerification = f.bool(10); allowHTTP2 = f.bool(11); keepCookies = f.bool(12)
        requestsPerSecond = f.uint32(13)
    }
    public var fields: ProtoFields {
        [1: .string(userAgent), 2: headers.isEmpty ? nil : .list(headers.map { .message($0.fields) }), 3: .string(acceptLanguage),
         4: .string(acceptEncoding), 5: .uint(UInt64(timeoutMillis)), 6: .bool(followRedirects), 7: .uint(UInt64(maxRedirects)),
         8: allowedStatusCodes.isEmpty ? nil : .list(allowedStatusCodes.map { .uint(UInt64($0)) }), 9: .uint(maxBodyBytes),
         10: .bool(skipTLSVerification), 11: .bool(allowHTTP2), 12: .bool(keepCookies), 13: .uint(UInt64(requestsPerSecond))]
    }
}

/// `Persona`.
public struct PersonaInfo: WireMessage, Equatable {
    public var id = "", name = "", description = ""
    public var kind = PersonaKind.unspecified
    public var ownerID = ""
    public var dns: DnsPersona?
    public var http: HttpPersona?
    public var createdAtMicros: Int64 = 0, updatedAtMicros: Int64 = 0

    public init() {}
    public init(fields f: ProtoFields) throws {
        id = f.string(1); name = f.string(2); description = f.string(3); kind = try decodeEnum(f.int32(4), "kind")
        ownerID = f.string(5); dns = try f.decode(6); http = try f.decode(7)
        createdAtMicros = f.int64(8); updatedAtMicros = f.int64(9)
    }
    public var fields: ProtoFields {
        [1: .string(id), 2: .string(name), 3: .string(description), 4: .int(Int64(kind.rawValue)), 5: .string(ownerID),
         6: .of(dns), 7: .of(http), 8: .int(createdAtMicros), 9: .int(updatedAtMicros)]
    }
}

/// `PersonaRequest`: a create (no id), a full update (with an id), or a partial one (with an `updateMask`).
public struct PersonaRequest: WireMessage, Equatable {
    public var id = ""
    public var name: String
    public var description = ""
    public var kind: PersonaKind
    public var dns: DnsPersona?
    public var http: HttpPersona?
    /// Paths of the fields an update changes ("name", "http.user_agent", "dns"); empty: all.
    public var updateMask: [String] = []

    /// The paths `updateMask` may name: every field of the request but its id, kind and mask, and every field
    /// of its dns and http parts (read from the descriptors).
    public static let mask = FieldMask(schema: ProtoSchema.request(of: Methods.updatePersona)!, excluding: ["id", "kind", "update_mask"])

    public init(id: String = "", name: String, description: String = "", dns: DnsPersona) {
        self.id = id; self.name = name; self.description = description; kind = .dns; self.dns = dns
    }
    public init(id: String = "", name: String, description: String = "", http: HttpPersona) {
        self.id = id; self.name = name; self.description = description; kind = .http; self.http = http
    }
    public init(fields f: ProtoFields) throws {
        id = f.string(1); name = f.string(2); description = f.string(3); kind = try decodeEnum(f.int32(4), "kind")
        dns = try f.decode(5); http = try f.decode(6)
        updateMask = f.list(7).compactMap { if case .string(let s) = $0 { s } else { nil } }
    }
    public var fields: ProtoFields {
        [1: .string(id), 2: .string(name), 3: .string(description), 4: .int(Int64(kind.rawValue)), 5: .of(dns), 6: .of(http),
         7: updateMask.isEmpty ? nil : .list(updateMask.map { .string($0) })]
    }
}

public struct ListPersonasRequest: WireMessage, Equatable {
    public var kind = PersonaKind.unspecified
    public var nameContains = ""
    public var pageSize: UInt32 = 0
    public var pageToken = ""
    public init() {}
    public init(fields f: ProtoFields) throws {
        kind = try decodeEnum(f.int32(1), "kind"); nameContains = f.string(2); pageSize = f.uint32(3); pageToken = f.string(4)
    }
    public var fields: ProtoFields {
        [1: .int(Int64(kind.rawValue)), 2: .string(nameContains), 3: .uint(UInt64(pageSize)), 4: .string(pageToken)]
    }
}

public struct ListPersonasResponse: WireMessage, Equatable {
    public var personas: [PersonaInfo]
    public var nextPageToken: String
    public init(personas: [PersonaInfo], nextPageToken: String) { self.personas = personas; self.nextPageToken = nextPageToken }
    public init(fields f: ProtoFields) throws {
        personas = try f.list(1).compactMap { if case .message(let m) = $0 { try PersonaInfo(fields: m) } else { nil } }
        nextPageToken = f.string(2)
    }
    public var fields: ProtoFields { [1: .list(personas.map { .message($0.fields) }), 2: .string(nextPageToken)] }
}

public struct TestDnsPersonaRequest: WireMessage, Equatable {
    public var id: String
    public var name: String
    public init(id: String, name: String) { self.id = id; self.name = name }
    public init(fields f: ProtoFields) { self.init(id: f.string(1), name: f.string(2)) }
    public var fields: ProtoFields { [1: .string(id), 2: .string(name)] }
}

/// `DnsTestOutcome`.
public enum DnsTestOutcome: Int32, Sendable, CaseIterable {
    case unspecified = 0, answer, noRecords, nxdomain, servfail, refused, timeout, error
}

/// `DnsTestResult`: one resolver's answer for one record type.
public struct DnsTestResult: WireMessage, Equatable {
    public var resolver: String
    public var recordType: String
    public var outcome: DnsTestOutcome
    public var answers: [String]
    public var millis: UInt32
    public var error: String
    public init(resolver: String, recordType: String, outcome: DnsTestOutcome, answers: [String] = [], millis: UInt32, error: String = "") {
        self.resolver = resolver; self.recordType = recordType; self.outcome = outcome; self.answers = answers
        self.millis = millis; self.error = error
    }
    public init(fields f: ProtoFields) throws {
        self.init(resolver: f.string(1), recordType: f.string(2), outcome: try decodeEnum(f.int32(3), "outcome"),
                  answers: f.list(4).compactMap { if case .string(let s) = $0 { s } else { nil } }, millis: f.uint32(5), error: f.string(6))
    }
    public var fields: ProtoFields {
        [1: .string(resolver), 2: .string(recordType), 3: .int(Int64(outcome.rawValue)),
         4: answers.isEmpty ? nil : .list(answers.map { .string($0) }), 5: .uint(UInt64(millis)), 6: .string(error)]
    }
}

public struct TestDnsPersonaResponse: WireMessage, Equatable {
    public var results: [DnsTestResult]
    public init(results: [DnsTestResult]) { self.results = results }
    public init(fields f: ProtoFields) throws {
        results = try f.list(1).compactMap { if case .message(let m) = $0 { try DnsTestResult(fields: m) } else { nil } }
    }
    public var fields: ProtoFields { [1: .list(results.map { .message($0.fields) })] }
}

// Decoding from files and stored JSON: every field may be absent (its default then applies).
extension Resolver {
    enum CodingKeys: String, CodingKey { case address, weight }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(address: try c.decode(String.self, forKey: .address), weight: try c.decodeIfPresent(UInt32.self, forKey: .weight) ?? 0)
    }
}

extension DnsPersona {
    enum CodingKeys: String, CodingKey {
        case resolvers, rotation, recordTypes, timeoutMillis, retries, concurrency, queriesPerSecond, burst
        case delayMinMillis, delayMaxMillis, nxdomainQuorum
    }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        resolvers = try c.decodeIfPresent([Resolver].self, forKey: .resolvers) ?? []
        rotation = try c.decodeIfPresent(ResolverRotation.self, forKey: .rotation) ?? .unspecified
        recordTypes = try c.decodeIfPresent([String].self, forKey: .recordTypes) ?? []
        timeoutMillis = try c.decodeIfPresent(UInt32.self, forKey: .timeoutMillis) ?? 0
        retries = try c.decodeIfPresent(UInt32.self, forKey: .retries) ?? 0
        concurrency = try c.decodeIfPresent(UInt32.self, forKey: .concurrency) ?? 0
        queriesPerSecond = try c.decodeIfPresent(UInt32.self, forKey: .queriesPerSecond) ?? 0
        burst = try c.decodeIfPresent(UInt32.self, forKey: .burst) ?? 0
        delayMinMillis = try c.decodeIfPresent(UInt32.self, forKey: .delayMinMillis) ?? 0
        delayMaxMillis = try c.decodeIfPresent(UInt32.self, forKey: .delayMaxMillis) ?? 0
        nxdomainQuorum = try c.decodeIfPresent(UInt32.self, forKey: .nxdomainQuorum) ?? 0
    }
}

extension HttpPersona {
    enum CodingKeys: String, CodingKey {
        case userAgent, headers, acceptLanguage, acceptEncoding, timeoutMillis, followRedirects, maxRedirects
        case allowedStatusCodes, maxBodyBytes, skipTLSVerification, allowHTTP2, keepCookies, requestsPerSecond
    }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        userAgent = try c.decodeIfPresent(String.self, forKey: .userAgent) ?? ""
        headers = try c.decodeIfPresent([HTTPHeader].self, forKey: .headers) ?? []
        acceptLanguage = try c.decodeIfPresent(String.self, forKey: .acceptLanguage) ?? ""
        acceptEncoding = try c.decodeIfPresent(String.self, forKey: .acceptEncoding) ?? ""
        timeoutMillis = try c.decodeIfPresent(UInt32.self, forKey: .timeoutMillis) ?? 0
        followRedirects = try c.decodeIfPresent(Bool.self, forKey: .followRedirects) ?? false
        maxRedirects = try c.decodeIfPresent(UInt32.self, forKey: .maxRedirects) ?? 0
        allowedStatusCodes = try c.decodeIfPresent([UInt32].self, forKey: .allowedStatusCodes) ?? []
        maxBodyBytes = try c.decodeIfPresent(UInt64.self, forKey: .maxBodyBytes) ?? 0
        skipTLSVerification = try c.decodeIfPresent(Bool.self, forKey: .skipTLSVerification) ?? false
        allowHTTP2 = try c.decodeIfPresent(Bool.self, forKey: .allowHTTP2) ?? false
        keepCookies = try c.decodeIfPresent(Bool.self, forKey: .keepCookies) ?? false
        requestsPerSecond = try c.decodeIfPresent(UInt32.self, forKey: .requestsPerSecond) ?? 0
    }
}

/// `TestHttpPersonaRequest`: fetch `url` with persona `id`, optionally through proxy `proxyID`.
public struct TestHttpPersonaRequest: WireMessage, Equatable {
    public var id: String
    public var url: String
    public var proxyID: String
    public init(id: String, url: String, proxyID: String = "") { self.id = id; self.url = url; self.proxyID = proxyID }
    public init(fields f: ProtoFields) { self.init(id: f.string(1), url: f.string(2), proxyID: f.string(3)) }
    public var fields: ProtoFields { [1: .string(id), 2: .string(url), 3: .string(proxyID)] }
}

/// `TestHttpPersonaResponse`: what the fetch got, or why it got nothing (`errorKind`, `error`).
public struct TestHttpPersonaResponse: WireMessage, Equatable {
    public var allowed = false
    public var statusCode: UInt32 = 0
    public var reason = ""
    public var finalURL = ""
    public var redirects: [String] = []
    public var headers: [HTTPHeader] = []
    public var bytesRead: UInt64 = 0
    public var truncated = false
    public var millis: UInt32 = 0
    public var errorKind = ""
    public var error = ""

    public init() {}
    public init(fields f: ProtoFields) {
        allowed = f.bool(1); statusCode = f.uint32(2); reason = f.string(3); finalURL = f.string(4)
        redirects = f.list(5).compactMap { if case .string(let s) = $0 { s } else { nil } }
        headers = f.list(6).compactMap { if case .message(let m) = $0 { HTTPHeader(fields: m) } else { nil } }
        bytesRead = f.uint64(7); truncated = f.bool(8); millis = f.uint32(9); errorKind = f.string(10); error = f.string(11)
    }
    public var fields: ProtoFields {
        [1: .bool(allowed), 2: .uint(UInt64(statusCode)), 3: .string(reason), 4: .string(finalURL),
         5: redirects.isEmpty ? nil : .list(redirects.map { .string($0) }),
         6: headers.isEmpty ? nil : .list(headers.map { .message($0.fields) }), 7: .uint(bytesRead), 8: .bool(truncated),
         9: .uint(UInt64(millis)), 10: .string(errorKind), 11: .string(error)]
    }
}
