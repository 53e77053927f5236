import DomainFlowCore
import DomainFlowStore
import DomainFlowWire
import Foundation
import Synchronization

/// A `campaigns` row (columns of `StatementRegistry.campaignColumns`) as the protocol shows it.
struct CampaignRow: Sendable {
    let id: UUID
    let ownerID: UUID
    let status: DomainFlowCore.CampaignStatus
    let info: Campaign
    /// NULL, or the state of an uploaded input list: open, sealed.
    let inputState: String?
    /// The stored `parameters` (JSON).
    let parameters: String

    init(_ row: Row) throws {
        id = try row.uuid(0)
        ownerID = try row.uuid(5)
        guard let status = CampaignStatus(rawValue: try row.string(4)) else {
            throw StoreError(kind: .internal, message: "unknown campaign status \(row[4] ?? "")")
        }
        self.status = status
        parameters = try row.json(6)
        var info = Campaign()
        info.id = id.lowercasedString
        info.name = try row.string(1)
        info.description = row.optionalString(2) ?? ""
        info.type = CampaignType(name: try row.string(3)) ?? .unspecified
        info.status = CampaignStatus(name: status.rawValue) ?? .unspecified
        info.ownerID = ownerID.lowercasedString
        if info.type == .domainGeneration, let generation = GenerationParameters.decoded(fromStored: parameters) {
            info.generation = generation
        }
        info.totalItems = UInt64(try row.int(7))
        info.processedItems = UInt64(try row.int(8))
        info.skippedItems = UInt64(try row.int(9))
        info.createdAtMicros = try row.optionalDate(10).map(Micros.of) ?? 0
        info.updatedAtMicros = try row.optionalDate(11).map(Micros.of) ?? 0
        info.startedAtMicros = try row.optionalDate(12).map(Micros.of) ?? 0
        info.completedAtMicros = try row.optionalDate(13).map(Micros.of) ?? 0
        info.errorMessage = row.optionalString(14) ?? ""
        info.pipeline = PostgresArray.parse(row.optionalString(15) ?? "{}").compactMap(CampaignType.init(name:))
        info.sourceCampaignID = row.optionalString(16) ?? ""
        info.resources = CampaignResourceLinks.resources(from: row.optionalString(17))
        let outcomeCounts = try row.json(18)
        if outcomeCounts != "{}", let counts = try? JSONDecoder().decode([String: UInt64].self, from: Data(outcomeCounts.utf8)) {
            info.outcomeCounts = counts.sorted { $0.key < $1.key }.map { OutcomeCount(outcome: $0.key, count: $0.value) }
        }
        info.dnsQueriesSent = UInt64(try row.int(19))
        inputState = row.optionalString(20)
        info.inputOpen = inputState == "open"
        for finding in (row.optionalString(21) ?? "").split(separator: "\n") {
            if finding.hasPrefix("lying_resolver=") { info.lyingResolvers.append(String(finding.dropFirst("lying_resolver=".count))) }
            if finding.hasPrefix("wildcard_probe=") { info.wildcardZones.append(String(finding.dropFirst("wildcard_probe=".count))) }
        }
        if inputState != nil { info.input = UploadedInput.summary(ofParameters: try row.json(6)) }
        self.info = info
    }
}

extension GenerationParameters {
    /// Memo of `decoded(fromStored:)`: every GetCampaign and ListCampaigns row of a generation campaign reads its
    /// parameters, and `JSONDecoder` cost more than the rest of the row together. A pure function of the text; bounded.
    private static let memo = Mutex<[String: GenerationParameters]>([:])
    private static let memoLimit = 1024

    /// The parameters of a generation campaign's stored `parameters` JSON; nil when it is not a generation spec.
    static func decoded(fromStored json: String) -> GenerationParameters? {
        if let known = memo.withLock({ $0[json] }) { return known }
        guard let spec = try? JSONDecoder().decode(GenerationSpec.self, from: Data(json.utf8)) else { return nil }
        let parameters = GenerationParameters(spec)
        memo.withLock { memo in
            if memo.count >= memoLimit { memo.removeAll(keepingCapacity: true) }
            memo[json] = parameters
        }
        return parameters
    }

    init(_ spec: GenerationSpec) {
        self.init(patternType: PatternType(name: spec.patternType.rawValue) ?? .unspecified,
                  prefixLength: UInt32(spec.prefixLength), suffixLength: UInt32(spec.suffixLength),
                  characterSet: spec.characterSet, constant: spec.constant, tlds: spec.tlds, count: UInt64(spec.count),
                  startOffset: UInt64(spec.startOffset), explicitStartOffset: true)
    }

    /// The validated pattern of these parameters; INVALID_ARGUMENT naming the field otherwise.
    func pattern() throws -> GenerationPattern {
        guard let type = PatternType(rawValue: patternType.name) else {
            throw RPCError.invalidArgument("generation.pattern_type: must be prefix, suffix or both")
        }
        guard prefixLength <= 63, suffixLength <= 63 else {
            throw RPCError.invalidArgument("generation.prefix_length: a label holds at most 63 characters")
        }
        do {
            return try GenerationPattern(type: type, prefixLength: Int(prefixLength), suffixLength: Int(suffixLength),
                                         characterSet: characterSet, constant: constant, tlds: tlds)
        } catch {
            throw RPCError.invalidArgument("generation.\(error.field): \(error.reason)")
        }
    }
}

/// PostgreSQL's text form of a one-dimensional array of simple words, e.g. `{a,b}`.
enum PostgresArray {
    static func parse(_ text: String) -> [String] {
        text.trimmingCharacters(in: CharacterSet(charactersIn: "{}")).split(separator: ",").map {
            $0.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
    }
}
