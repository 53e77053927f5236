/// `CampaignType`.
public enum CampaignTypeCode: Int32, Sendable, CaseIterable {
    case unspecified = 0, domainGeneration = 1, dnsValidation = 2, httpKeywordValidation = 3

    /// The name stored in `campaigns.campaign_type`.
    public var name: String {
        switch self {
        case .unspecified: ""
        case .domainGeneration: "domain_generation"
        case .dnsValidation: "dns_validation"
        case .httpKeywordValidation: "http_keyword_validation"
        }
    }
    public init?(name: String) { self.init(rawValue: Self.allCases.first { $0.name == name && $0 != .unspecified }?.rawValue ?? -1) }
}

/// `CampaignStatus` (numbers of campaigns.proto; names as stored).
public enum CampaignStatusCode: Int32, Sendable, CaseIterable {
    case unspecified = 0, pending, queued, running, paused, completed, failed, cancelled

    public var name: String { self == .unspecified ? "" : "\(self)" }
    public init?(name: String) { self.init(rawValue: Self.allCases.first { $0.name == name && $0 != .unspecified }?.rawValue ?? -1) }
}

/// `PatternType`.
public enum PatternTypeCode: Int32, Sendable, CaseIterable {
    case unspecified = 0, prefix, suffix, both
    public var name: String { self == .unspecified ? "" : "\(self)" }
    public init?(name: String) { self.init(rawValue: Self.allCases.first { $0.name == name && $0 != .unspecified }?.rawValue ?? -1) }
}

func decodeTypes(_ values: [ProtoValue], _ field: String) throws -> [CampaignTypeCode] {
    try values.map { value in
        guard case .int(let raw) = value else { throw RPCError.invalidArgument("\(field): not an enum") }
        return try decodeEnum(Int32(truncatingIfNeeded: raw), field)
    }
}

func decodeEnum<E: RawRepresentable<Int32>>(_ raw: Int32, _ field: String) throws -> E {
    guard let value = E(rawValue: raw) else { throw RPCError.invalidArgument("\(field): unknown value \(raw)") }
    return value
}

/// `GenerationParameters`.
public struct GenerationParameters: WireMessage, Equatable {
    public var patternType: PatternTypeCode
    public var prefixLength: UInt32
    public var suffixLength: UInt32
    public var characterSet: String
    public var constant: String
    public var tlds: [String]
    public var count: UInt64
    public var startOffset: UInt64
    public var explicitStartOffset: Bool

    public init(patternType: PatternTypeCode, prefixLength: UInt32 = 0, suffixLength: UInt32 = 0, characterSet: String,
                constant: String = "", tlds: [String], count: UInt64, startOffset: UInt64 = 0, explicitStartOffset: Bool = false) {
        self.patternType = patternType; self.prefixLength = prefixLength; self.suffixLength = suffixLength
        self.characterSet = characterSet; self.constant = constant; self.tlds = tlds; self.count = count
        self.startOffset = startOffset; self.explicitStartOffset = explicitStartOffset
    }
    public init(fields f: ProtoFields) throws {
        self.init(patternType: try decodeEnum(f.int32(1), "generation.pattern_type"), prefixLength: f.uint32(2),
                  suffixLength: f.uint32(3), characterSet: f.string(4), constant: f.string(5),
                  tlds: f.list(6).compactMap { if case .string(let s) = $0 { s } else { nil } },
                  count: f.uint64(7), startOffset: f.uint64(8), explicitStartOffset: f.bool(9))
    }
    public var fields: ProtoFields {
        [1: .int(Int64(patternType.rawValue)), 2: .uint(UInt64(prefixLength)), 3: .uint(UInt64(suffixLength)),
         4: .string(characterSet), 5: .string(constant), 6: tlds.isEmpty ? nil : .list(tlds.map { .string($0) }),
         7: .uint(count), 8: .uint(startOffset), 9: .bool(explicitStartOffset)]
    }
}

/// `Campaign`.
public struct CampaignInfo: WireMessage, Equatable {
    public var id = "", name = "", description = ""
    public var type = CampaignTypeCode.unspecified
    public var status = CampaignStatusCode.unspecified
    public var ownerID = ""
    public var generation: GenerationParameters?
    public var totalItems: UInt64 = 0, processedItems: UInt64 = 0, skippedItems: UInt64 = 0
    public var createdAtMicros: Int64 = 0, updatedAtMicros: Int64 = 0, startedAtMicros: Int64 = 0, completedAtMicros: Int64 = 0
    public var errorMessage = ""
    public var pipeline: [CampaignTypeCode] = []
    public var sourceCampaignID = ""
    public var resources = CampaignResources()
    /// Result rows per outcome, in the server's order.
    public var outcomeCounts: [OutcomeCount] = []
    public var dnsQueriesSent: UInt64 = 0
    public var lyingResolvers: [String] = []
    public var wildcardZones: [String] = []
    public var input: InputSummary?
    public var inputOpen = false

    public init() {}
    public init(fields f: ProtoFields) throws {
        outcomeCounts = try f.messages(22); dnsQueriesSent = f.uint64(23); lyingResolvers = f.strings(24)
        wildcardZones = f.strings(25); input = try f.decode(26); inputOpen = f.bool(27)
        id = f.string(1); name = f.string(2); description = f.string(3)
        type = try decodeEnum(f.int32(4), "type"); status = try decodeEnum(f.int32(5), "status")
        ownerID = f.string(6); generation = try f.decode(7)
        totalItems = f.uint64(8); processedItems = f.uint64(9); skippedItems = f.uint64(10)
        createdAtMicros = f.int64(11); updatedAtMicros = f.int64(12); startedAtMicros = f.int64(13)
        completedAtMicros = f.int64(14); errorMessage = f.string(15)
        pipeline = try decodeTypes(f.list(16), "pipeline"); sourceCampaignID = f.string(17)
        resources = CampaignResources(fields: f, first: 18)
    }
    public var fields: ProtoFields {
        let own: ProtoFields = [1: .string(id), 2: .string(name), 3: .string(description), 4: .int(Int64(type.rawValue)),
         5: .int(Int64(status.rawValue)), 6: .string(ownerID), 7: .of(generation), 8: .uint(totalItems),
         9: .uint(processedItems), 10: .uint(skippedItems), 11: .int(createdAtMicros), 12: .int(updatedAtMicros),
         13: .int(startedAtMicros), 14: .int(completedAtMicros), 15: .string(errorMessage),
         16: pipeline.isEmpty ? nil : .list(pipeline.map { .int(Int64($0.rawValue)) }), 17: .string(sourceCampaignID),
         22: .messages(outcomeCounts), 23: .uint(dnsQueriesSent), 24: .strings(lyingResolvers), 25: .strings(wildcardZones),
         26: .of(input), 27: .bool(inputOpen)]
        return own.merging(resources.fields(first: 18))
    }

    /// The count of result rows with `outcome` (0 when none).
    public func count(of outcome: String) -> UInt64 { outcomeCounts.first { $0.outcome == outcome }?.count ?? 0 }
}

/// `OutcomeCount`.
public struct OutcomeCount: WireMessage, Equatable {
    public var outcome: String
    public var count: UInt64
    public init(outcome: String, count: UInt64) { self.outcome = outcome; self.count = count }
    public init(fields f: ProtoFields) { self.init(outcome: f.string(1), count: f.uint64(2)) }
    public var fields: ProtoFields { [1: .string(outcome), 2: .uint(count)] }
}

/// `InvalidLine`.
public struct InvalidLine: WireMessage, Equatable, Codable {
    public var line: UInt64
    public var text: String
    public var reason: String
    public init(line: UInt64, text: String, reason: String) { self.line = line; self.text = text; self.reason = reason }
    public init(fields f: ProtoFields) { self.init(line: f.uint64(1), text: f.string(2), reason: f.string(3)) }
    public var fields: ProtoFields { [1: .uint(line), 2: .string(text), 3: .string(reason)] }
}

/// `InputSummary`.
public struct InputSummary: WireMessage, Equatable, Codable {
    public var lines: UInt64 = 0, valid: UInt64 = 0, duplicates: UInt64 = 0, invalid: UInt64 = 0
    public var firstInvalid: [InvalidLine] = []
    public init() {}
    public init(lines: UInt64, valid: UInt64, duplicates: UInt64, invalid: UInt64, firstInvalid: [InvalidLine] = []) {
        self.lines = lines; self.valid = valid; self.duplicates = duplicates; self.invalid = invalid; self.firstInvalid = firstInvalid
    }
    public init(fields f: ProtoFields) throws {
        lines = f.uint64(1); valid = f.uint64(2); duplicates = f.uint64(3); invalid = f.uint64(4); firstInvalid = try f.messages(5)
    }
    public var fields: ProtoFields {
        [1: .uint(lines), 2: .uint(valid), 3: .uint(duplicates), 4: .uint(invalid), 5: .messages(firstInvalid)]
    }
}

/// `AppendCampaignInputRequest`.
public struct AppendCampaignInputRequest: WireMessage, Equatable {
    public var id: String
    public var firstLine: UInt64
    public var lines: [String]
    public init(id: String, firstLine: UInt64, lines: [String]) { self.id = id; self.firstLine = firstLine; self.lines = lines }
    public init(fields f: ProtoFields) { self.init(id: f.string(1), firstLine: f.uint64(2), lines: f.strings(3)) }
    public var fields: ProtoFields { [1: .string(id), 2: .uint(firstLine), 3: .strings(lines)] }
}

/// `AppendCampaignInputResponse`.
public struct AppendCampaignInputResponse: WireMessage, Equatable {
    public var accepted: UInt64 = 0, duplicates: UInt64 = 0, invalid: UInt64 = 0
    public var invalidLines: [InvalidLine] = []
    public init() {}
    public init(fields f: ProtoFields) throws {
        accepted = f.uint64(1); duplicates = f.uint64(2); invalid = f.uint64(3); invalidLines = try f.messages(4)
    }
    public var fields: ProtoFields { [1: .uint(accepted), 2: .uint(duplicates), 3: .uint(invalid), 4: .messages(invalidLines)] }
}

/// `FinishCampaignInputRequest`.
public struct FinishCampaignInputRequest: WireMessage, Equatable {
    public var id: String
    public var totalLines: UInt64
    public var start: Bool
    public init(id: String, totalLines: UInt64, start: Bool = false) { self.id = id; self.totalLines = totalLines; self.start = start }
    public init(fields f: ProtoFields) { self.init(id: f.string(1), totalLines: f.uint64(2), start: f.bool(3)) }
    public var fields: ProtoFields { [1: .string(id), 2: .uint(totalLines), 3: .bool(start)] }
}

/// `StreamDnsResultsRequest`.
public struct StreamDnsResultsRequest: WireMessage, Equatable {
    public var id: String
    public var afterOffset: UInt64 = 0
    public var afterRecordType = ""
    public var fromStart = true
    public var outcomes: [String] = []
    public var liveOnly = false
    public var availableOnly = false
    public init(id: String) { self.id = id }
    public init(fields f: ProtoFields) {
        id = f.string(1); afterOffset = f.uint64(2); afterRecordType = f.string(3); fromStart = f.bool(4)
        outcomes = f.strings(5); liveOnly = f.bool(6); availableOnly = f.bool(7)
    }
    public var fields: ProtoFields {
        [1: .string(id), 2: .uint(afterOffset), 3: .string(afterRecordType), 4: .bool(fromStart), 5: .strings(outcomes),
         6: .bool(liveOnly), 7: .bool(availableOnly)]
    }
}

/// `DnsResult`: one (name, record type) of a DNS campaign.
public struct DnsResult: WireMessage, Equatable {
    public var domainName = "", recordType = "", outcome = ""
    public var records: [String] = []
    public var businessStatus = ""
    public var responseTimeMs: UInt32 = 0
    public var resolver = ""
    public var attempts: UInt32 = 0
    public var cnameChain: [String] = []
    public var message = ""
    public var offset: UInt64 = 0
    public var isAvailable = false
    public init() {}
    public init(fields f: ProtoFields) {
        domainName = f.string(1); recordType = f.string(2); outcome = f.string(3); records = f.strings(4)
        businessStatus = f.string(5); responseTimeMs = f.uint32(6); resolver = f.string(7); attempts = f.uint32(8)
        cnameChain = f.strings(9); message = f.string(10); offset = f.uint64(11); isAvailable = f.bool(12)
    }
    public var fields: ProtoFields {
        [1: .string(domainName), 2: .string(recordType), 3: .string(outcome), 4: .strings(records), 5: .string(businessStatus),
         6: .uint(UInt64(responseTimeMs)), 7: .string(resolver), 8: .uint(UInt64(attempts)), 9: .strings(cnameChain),
         10: .string(message), 11: .uint(offset), 12: .bool(isAvailable)]
    }
}

public struct CreateCampaignRequest: WireMessage, Equatable {
    public var name: String
    public var description: String
    public var type: CampaignTypeCode
    public var generation: GenerationParameters?
    public var start: Bool
    public var pipeline: [CampaignTypeCode]
    public var resources: CampaignResources
    /// DNS_VALIDATION: the generation campaign whose names to resolve ...
    public var sourceCampaignID: String
    /// ... or a list uploaded with AppendCampaignInput / FinishCampaignInput.
    public var uploadInput: Bool
    /// How the HTTP step fetches and what makes a lead.
    public var http: HttpCampaignOptions?
    public init(name: String, description: String = "", type: CampaignTypeCode = .domainGeneration,
                generation: GenerationParameters?, start: Bool = false, pipeline: [CampaignTypeCode] = [],
                resources: CampaignResources = CampaignResources(), sourceCampaignID: String = "", uploadInput: Bool = false,
                http: HttpCampaignOptions? = nil) {
        self.name = name; self.description = description; self.type = type; self.generation = generation; self.start = start
        self.pipeline = pipeline; self.resources = resources; self.sourceCampaignID = sourceCampaignID; self.uploadInput = uploadInput
        self.http = http
    }
    public init(fields f: ProtoFields) throws {
        self.init(name: f.string(1), description: f.string(2), type: try decodeEnum(f.int32(3), "type"),
                  generation: try f.decode(4), start: f.bool(5), pipeline: try decodeTypes(f.list(6), "pipeline"),
                  resources: CampaignResources(fields: f, first: 7), sourceCampaignID: f.string(11), uploadInput: f.bool(12),
                  http: try f.decode(13))
    }
    public var fields: ProtoFields {
        let own: ProtoFields = [1: .string(name), 2: .string(description), 3: .int(Int64(type.rawValue)), 4: .of(generation),
                                5: .bool(start), 6: pipeline.isEmpty ? nil : .list(pipeline.map { .int(Int64($0.rawValue)) }),
                                11: .string(sourceCampaignID), 12: .bool(uploadInput), 13: .of(http)]
        return own.merging(resources.fields(first: 7))
    }
}

public struct ListCampaignsRequest: WireMessage, Equatable {
    public var type = CampaignTypeCode.unspecified
    public var status = CampaignStatusCode.unspecified
    public var nameContains = ""
    public var pageSize: UInt32 = 0
    public var pageToken = ""
    public init() {}
    public init(fields f: ProtoFields) throws {
        type = try decodeEnum(f.int32(1), "type"); status = try decodeEnum(f.int32(2), "status")
        nameContains = f.string(3); pageSize = f.uint32(4); pageToken = f.string(5)
    }
    public var fields: ProtoFields {
        [1: .int(Int64(type.rawValue)), 2: .int(Int64(status.rawValue)), 3: .string(nameContains),
         4: .uint(UInt64(pageSize)), 5: .string(pageToken)]
    }
}

public struct ListCampaignsResponse: WireMessage, Equatable {
    public var campaigns: [CampaignInfo]
    public var nextPageToken: String
    public init(campaigns: [CampaignInfo], nextPageToken: String) { self.campaigns = campaigns; self.nextPageToken = nextPageToken }
    public init(fields f: ProtoFields) throws {
        campaigns = try f.list(1).compactMap { if case .message(let m) = $0 { try CampaignInfo(fields: m) } else { nil } }
        nextPageToken = f.string(2)
    }
    public var fields: ProtoFields { [1: .list(campaigns.map { .message($0.fields) }), 2: .string(nextPageToken)] }
}

public struct PreviewGenerationRequest: WireMessage, Equatable {
    public var generation: GenerationParameters?
    public var sampleSize: UInt32
    public init(generation: GenerationParameters?, sampleSize: UInt32 = 0) { self.generation = generation; self.sampleSize = sampleSize }
    public init(fields f: ProtoFields) throws { self.init(generation: try f.decode(1), sampleSize: f.uint32(2)) }
    public var fields: ProtoFields { [1: .of(generation), 2: .uint(UInt64(sampleSize))] }
}

public struct PreviewGenerationResponse: WireMessage, Equatable {
    public var totalCombinations: UInt64
    public var firstNames: [String]
    public var nextStartOffset: UInt64
    public init(totalCombinations: UInt64, firstNames: [String], nextStartOffset: UInt64) {
        self.totalCombinations = totalCombinations; self.firstNames = firstNames; self.nextStartOffset = nextStartOffset
    }
    public init(fields f: ProtoFields) {
        self.init(totalCombinations: f.uint64(1), firstNames: f.list(2).compactMap { if case .string(let s) = $0 { s } else { nil } },
                  nextStartOffset: f.uint64(3))
    }
    public var fields: ProtoFields {
        [1: .uint(totalCombinations), 2: firstNames.isEmpty ? nil : .list(firstNames.map { .string($0) }), 3: .uint(nextStartOffset)]
    }
}

public struct WatchCampaignRequest: WireMessage, Equatable {
    public var id: String
    public var intervalMillis: UInt32
    public init(id: String, intervalMillis: UInt32 = 0) { self.id = id; self.intervalMillis = intervalMillis }
    public init(fields f: ProtoFields) { self.init(id: f.string(1), intervalMillis: f.uint32(2)) }
    public var fields: ProtoFields { [1: .string(id), 2: .uint(UInt64(intervalMillis))] }
}

public struct StreamGeneratedDomainsRequest: WireMessage, Equatable {
    public var id: String
    public var afterOffset: UInt64
    public var fromStart: Bool
    public init(id: String, afterOffset: UInt64 = 0, fromStart: Bool = true) { self.id = id; self.afterOffset = afterOffset; self.fromStart = fromStart }
    public init(fields f: ProtoFields) { self.init(id: f.string(1), afterOffset: f.uint64(2), fromStart: f.bool(3)) }
    public var fields: ProtoFields { [1: .string(id), 2: .uint(afterOffset), 3: .bool(fromStart)] }
}

public struct GeneratedDomain: WireMessage, Equatable {
    public var domainName: String
    public var offset: UInt64
    public init(domainName: String, offset: UInt64) { self.domainName = domainName; self.offset = offset }
    public init(fields f: ProtoFields) { self.init(domainName: f.string(1), offset: f.uint64(2)) }
    public var fields: ProtoFields { [1: .string(domainName), 2: .uint(offset)] }
}

/// The personas, proxies and keyword sets a campaign's pipeline runs with: four repeated string
/// fields, numbered from `first` in this order, in both `CreateCampaignRequest` and `Campaign`.
public struct CampaignResources: Sendable, Equatable {
    public var dnsPersonaIDs: [String] = []
    public var httpPersonaIDs: [String] = []
    public var proxyIDs: [String] = []
    public var keywordSetIDs: [String] = []

    public init(dnsPersonaIDs: [String] = [], httpPersonaIDs: [String] = [], proxyIDs: [String] = [], keywordSetIDs: [String] = []) {
        self.dnsPersonaIDs = dnsPersonaIDs; self.httpPersonaIDs = httpPersonaIDs; self.proxyIDs = proxyIDs
        self.keywordSetIDs = keywordSetIDs
    }

    init(fields f: ProtoFields, first: UInt32) {
        func strings(_ n: UInt32) -> [String] { f.list(n).compactMap { if case .string(let s) = $0 { s } else { nil } } }
        self.init(dnsPersonaIDs: strings(first), httpPersonaIDs: strings(first + 1), proxyIDs: strings(first + 2),
                  keywordSetIDs: strings(first + 3))
    }

    func fields(first: UInt32) -> ProtoFields {
        func list(_ ids: [String]) -> ProtoValue? { ids.isEmpty ? nil : .list(ids.map { .string($0) }) }
        return [first: list(dnsPersonaIDs), first + 1: list(httpPersonaIDs), first + 2: list(proxyIDs), first + 3: list(keywordSetIDs)]
    }

    public var isEmpty: Bool { dnsPersonaIDs.isEmpty && httpPersonaIDs.isEmpty && proxyIDs.isEmpty && keywordSetIDs.isEmpty }
}

/// `HttpCampaignOptions`.
public struct HttpCampaignOptions: WireMessage, Equatable, Codable {
    public var minScore: Double = 0
    public var schemes: [String] = []
    public var httpPort: UInt32 = 0
    public var httpsPort: UInt32 = 0
    public var concurrency: UInt32 = 0
    public var proxyResolves = false
    public var proxyRotation = ""
    /// Requests in flight per host at most; 0: 2.
    public var perHostLimit: UInt32 = 0
    public init() {}
    public init(fields f: ProtoFields) {
        minScore = f.double(1); schemes = f.strings(2); httpPort = f.uint32(3); httpsPort = f.uint32(4); concurrency = f.uint32(5)
        proxyResolves = f.bool(6); proxyRotation = f.string(7); perHostLimit = f.uint32(8)
    }
    public var fields: ProtoFields {
        [1: .double(minScore), 2: .strings(schemes), 3: .uint(UInt64(httpPort)), 4: .uint(UInt64(httpsPort)),
         5: .uint(UInt64(concurrency)), 6: .bool(proxyResolves), 7: .string(proxyRotation), 8: .uint(UInt64(perHostLimit))]
    }
}

/// `StreamHttpResultsRequest`.
public struct StreamHttpResultsRequest: WireMessage, Equatable {
    public var id: String
    public var afterOffset: UInt64 = 0
    public var fromStart = true
    public var leadsOnly = false
    public var minScore: Double = 0
    public init(id: String) { self.id = id }
    public init(fields f: ProtoFields) {
        id = f.string(1); afterOffset = f.uint64(2); fromStart = f.bool(3); leadsOnly = f.bool(4); minScore = f.double(5)
    }
    public var fields: ProtoFields {
        [1: .string(id), 2: .uint(afterOffset), 3: .bool(fromStart), 4: .bool(leadsOnly), 5: .double(minScore)]
    }
}

/// `KeywordCount`.
public struct KeywordCount: WireMessage, Equatable {
    public var keyword: String
    public var count: UInt64
    public var context: String
    public init(keyword: String, count: UInt64, context: String = "") { self.keyword = keyword; self.count = count; self.context = context }
    public init(fields f: ProtoFields) { self.init(keyword: f.string(1), count: f.uint64(2), context: f.string(3)) }
    public var fields: ProtoFields { [1: .string(keyword), 2: .uint(count), 3: .string(context)] }
}

/// `HttpResult`: one name of an HTTP campaign.
public struct HttpResult: WireMessage, Equatable {
    public var domainName = "", url = "", finalURL = ""
    public var statusCode: UInt32 = 0
    public var title = "", businessStatus = "", outcome = ""
    public var score: Double = 0
    public var parked = false
    public var parkedScore: Double = 0
    public var parkedSignals: [String] = []
    public var keywords: [KeywordCount] = []
    public var errorKind = "", error = ""
    public var responseTimeMs: UInt32 = 0
    public var offset: UInt64 = 0
    public var isLead = false
    public var redirects: [String] = []
    public var server = "", httpVersion = "", bodySHA256 = ""
    public var bodyBytes: UInt64 = 0
    public var address = "", proxyID = "", personaID = ""
    public init() {}
    public init(fields f: ProtoFields) throws {
        domainName = f.string(1); url = f.string(2); finalURL = f.string(3); statusCode = f.uint32(4); title = f.string(5)
        businessStatus = f.string(6); outcome = f.string(7); score = f.double(8); parked = f.bool(9); parkedScore = f.double(10)
        parkedSignals = f.strings(11); keywords = try f.messages(12); errorKind = f.string(13); error = f.string(14)
        responseTimeMs = f.uint32(15); offset = f.uint64(16); isLead = f.bool(17); redirects = f.strings(18); server = f.string(19)
        httpVersion = f.string(20); bodySHA256 = f.string(21); bodyBytes = f.uint64(22); address = f.string(23)
        proxyID = f.string(24); personaID = f.string(25)
    }
    public var fields: ProtoFields {
        [1: .string(domainName), 2: .string(url), 3: .string(finalURL), 4: .uint(UInt64(statusCode)), 5: .string(title),
         6: .string(businessStatus), 7: .string(outcome), 8: .double(score), 9: .bool(parked), 10: .double(parkedScore),
         11: .strings(parkedSignals), 12: .messages(keywords), 13: .string(errorKind), 14: .string(error),
         15: .uint(UInt64(responseTimeMs)), 16: .uint(offset), 17: .bool(isLead), 18: .strings(redirects), 19: .string(server),
         20: .string(httpVersion), 21: .string(bodySHA256), 22: .uint(bodyBytes), 23: .string(address), 24: .string(proxyID),
         25: .string(personaID)]
    }
}
