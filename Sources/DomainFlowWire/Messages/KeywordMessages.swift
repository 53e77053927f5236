/// `KeywordKind`.
public enum KeywordKind: Int32, Sendable, CaseIterable {
    case unspecified = 0, string = 1, regex = 2
    /// The name stored in `keyword_rules.kind` (unspecified reads as string).
    public var name: String { self == .regex ? "regex" : "string" }
    public init(name: String) { self = name == "regex" ? .regex : .string }
}

/// `KeywordRule`.
public struct KeywordRule: WireMessage, Equatable {
    public var id = ""
    public var keyword: String
    public var kind: KeywordKind
    public var caseSensitive = false
    public var weight = ""
    public var inactive = false
    public var category = ""
    public var contextChars: UInt32 = 0

    public init(keyword: String, kind: KeywordKind = .string, caseSensitive: Bool = false, weight: String = "",
                inactive: Bool = false, category: String = "", contextChars: UInt32 = 0) {
        self.keyword = keyword; self.kind = kind; self.caseSensitive = caseSensitive; self.weight = weight
        self.inactive = inactive; self.category = category; self.contextChars = contextChars
    }
    public init(fields f: ProtoFields) throws {
        self.init(keyword: f.string(2), kind: try decodeEnum(f.int32(3), "rules.kind"), caseSensitive: f.bool(4),
                  weight: f.string(5), inactive: f.bool(6), category: f.string(7), contextChars: f.uint32(8))
        id = f.string(1)
    }
    public var fields: ProtoFields {
        [1: .string(id), 2: .string(keyword), 3: .int(Int64(kind.rawValue)), 4: .bool(caseSensitive), 5: .string(weight),
         6: .bool(inactive), 7: .string(category), 8: .uint(UInt64(contextChars))]
    }
}

func decodeRules(_ values: [ProtoValue]) throws -> [KeywordRule] {
    try values.compactMap { if case .message(let m) = $0 { try KeywordRule(fields: m) } else { nil } }
}

/// `KeywordSet`.
public struct KeywordSetInfo: WireMessage, Equatable {
    public var id = "", name = "", description = "", ownerID = ""
    public var rules: [KeywordRule] = []
    public var ruleCount: UInt32 = 0
    public var createdAtMicros: Int64 = 0, updatedAtMicros: Int64 = 0

    public init() {}
    public init(fields f: ProtoFields) throws {
        id = f.string(1); name = f.string(2); description = f.string(3); ownerID = f.string(4)
        rules = try decodeRules(f.list(5)); ruleCount = f.uint32(6); createdAtMicros = f.int64(7); updatedAtMicros = f.int64(8)
    }
    public var fields: ProtoFields {
        [1: .string(id), 2: .string(name), 3: .string(description), 4: .string(ownerID),
         5: rules.isEmpty ? nil : .list(rules.map { .message($0.fields) }), 6: .uint(UInt64(ruleCount)),
         7: .int(createdAtMicros), 8: .int(updatedAtMicros)]
    }
}

public struct CreateKeywordSetRequest: WireMessage, Equatable {
    public var name: String
    public var description: String
    public var rules: [KeywordRule]
    public init(name: String, description: String = "", rules: [KeywordRule]) {
        self.name = name; self.description = description; self.rules = rules
    }
    public init(fields f: ProtoFields) throws {
        self.init(name: f.string(1), description: f.string(2), rules: try decodeRules(f.list(3)))
    }
    public var fields: ProtoFields {
        [1: .string(name), 2: .string(description), 3: rules.isEmpty ? nil : .list(rules.map { .message($0.fields) })]
    }
}

public struct ListKeywordSetsRequest: WireMessage, Equatable {
    public var nameContains = ""
    public var pageSize: UInt32 = 0
    public var pageToken = ""
    public init() {}
    public init(fields f: ProtoFields) { nameContains = f.string(1); pageSize = f.uint32(2); pageToken = f.string(3) }
    public var fields: ProtoFields { [1: .string(nameContains), 2: .uint(UInt64(pageSize)), 3: .string(pageToken)] }
}

public struct ListKeywordSetsResponse: WireMessage, Equatable {
    public var sets: [KeywordSetInfo]
    public var nextPageToken: String
    public init(sets: [KeywordSetInfo], nextPageToken: String) { self.sets = sets; self.nextPageToken = nextPageToken }
    public init(fields f: ProtoFields) throws {
        sets = try f.list(1).compactMap { if case .message(let m) = $0 { try KeywordSetInfo(fields: m) } else { nil } }
        nextPageToken = f.string(2)
    }
    public var fields: ProtoFields { [1: .list(sets.map { .message($0.fields) }), 2: .string(nextPageToken)] }
}

public struct UpdateKeywordSetRequest: WireMessage, Equatable {
    public var id: String
    public var name = ""
    public var setDescription = false
    public var description = ""
    public var replaceRules = false
    public var rules: [KeywordRule] = []
    public init(id: String) { self.id = id }
    public init(fields f: ProtoFields) throws {
        id = f.string(1); name = f.string(2); setDescription = f.bool(3); description = f.string(4)
        replaceRules = f.bool(5); rules = try decodeRules(f.list(6))
    }
    public var fields: ProtoFields {
        [1: .string(id), 2: .string(name), 3: .bool(setDescription), 4: .string(description), 5: .bool(replaceRules),
         6: rules.isEmpty ? nil : .list(rules.map { .message($0.fields) })]
    }
}

/// `TestKeywordSetRequest`: score `text`, or the page at `url` (fetched with an optional persona and proxy).
public struct TestKeywordSetRequest: WireMessage, Equatable {
    public var id: String
    public var text = ""
    public var url = ""
    public var personaID = ""
    public var proxyID = ""
    public init(id: String, text: String = "", url: String = "", personaID: String = "", proxyID: String = "") {
        self.id = id; self.text = text; self.url = url; self.personaID = personaID; self.proxyID = proxyID
    }
    public init(fields f: ProtoFields) {
        self.init(id: f.string(1), text: f.string(2), url: f.string(3), personaID: f.string(4), proxyID: f.string(5))
    }
    public var fields: ProtoFields { [1: .string(id), 2: .string(text), 3: .string(url), 4: .string(personaID), 5: .string(proxyID)] }
}

/// `KeywordMatch`: one rule that matched.
public struct KeywordMatch: WireMessage, Equatable {
    public var ruleID = "", keyword = ""
    public var kind = KeywordKind.string
    public var category = "", weight = ""
    public var count: UInt32 = 0
    public var snippets: [String] = []
    public init() {}
    public init(fields f: ProtoFields) throws {
        ruleID = f.string(1); keyword = f.string(2); kind = try decodeEnum(f.int32(3), "kind"); category = f.string(4)
        weight = f.string(5); count = f.uint32(6); snippets = f.list(7).compactMap { if case .string(let s) = $0 { s } else { nil } }
    }
    public var fields: ProtoFields {
        [1: .string(ruleID), 2: .string(keyword), 3: .int(Int64(kind.rawValue)), 4: .string(category), 5: .string(weight),
         6: .uint(UInt64(count)), 7: snippets.isEmpty ? nil : .list(snippets.map { .string($0) })]
    }
}

/// `TestKeywordSetResponse`.
public struct TestKeywordSetResponse: WireMessage, Equatable {
    public var score = "0.00"
    public var matches: [KeywordMatch] = []
    public var scoredChars: UInt64 = 0
    public var statusCode: UInt32 = 0
    public var finalURL = "", errorKind = "", error = ""
    public init() {}
    public init(fields f: ProtoFields) throws {
        score = f.string(1); matches = try f.list(2).compactMap { if case .message(let m) = $0 { try KeywordMatch(fields: m) } else { nil } }
        scoredChars = f.uint64(3); statusCode = f.uint32(4); finalURL = f.string(5); errorKind = f.string(6); error = f.string(7)
    }
    public var fields: ProtoFields {
        [1: .string(score), 2: matches.isEmpty ? nil : .list(matches.map { .message($0.fields) }), 3: .uint(scoredChars),
         4: .uint(UInt64(statusCode)), 5: .string(finalURL), 6: .string(errorKind), 7: .string(error)]
    }
}
