import DomainFlowCore
import DomainFlowStore
import DomainFlowWire
import Foundation
import Synchronization

/// A campaign as the protocol shows it, with the stored facts the services decide on.
struct CampaignRow: Sendable {
    let id: UUID
    let ownerID: UUID
    let status: DomainFlowCore.CampaignStatus
    let info: Campaign
    /// NULL, or the state of an uploaded input list: open, sealed.
    let inputState: String?
    /// The stored `parameters` (JSON).
    let parameters: String

    init(_ record: CampaignRecord) {
        id = record.id
        ownerID = record.ownerID
        status = record.status
        parameters = record.parameters
        inputState = record.inputState
        var info = Campaign()
        info.id = id.lowercasedString
        info.name = record.name
        info.description = record.description ?? ""
        info.type = CampaignType(name: record.typeName) ?? .unspecified
        info.status = CampaignStatus(name: status.rawValue) ?? .unspecified
        info.ownerID = ownerID.lowercasedString
        if info.type == .domainGeneration, let generation = GenerationParameters.decoded(fromStored: parameters) {
            info.generation = generation
        }
        info.totalItems = UInt64(record.totalItems)
        info.processedItems = UInt64(record.processedItems)
        info.skippedItems = UInt64(record.skippedItems)
        info.createdAtMicros = record.createdAt.map(Micros.of) ?? 0
        info.updatedAtMicros = record.updatedAt.map(Micros.of) ?? 0
        info.startedAtMicros = record.startedAt.map(Micros.of) ?? 0
        info.completedAtMicros = record.completedAt.map(Micros.of) ?? 0
        info.errorMessage = record.errorMessage ?? ""
        info.pipeline = record.pipeline.compactMap(CampaignType.init(name:))
        info.sourceCampaignID = record.sourceCampaignID?.lowercasedString ?? ""
        info.resources = CampaignResourceLinks.resources(from: record.resources)
        info.outcomeCounts = record.outcomeCounts.sorted { $0.key < $1.key }.map { OutcomeCount(outcome: $0.key, count: $0.value) }
        info.dnsQueriesSent = UInt64(record.queriesSent)
        info.inputOpen = inputState == "open"
        for finding in record.findings {
            switch finding.kind {
            case "lying_resolver": info.lyingResolvers.append(finding.subject)
            case "wildcard_probe": info.wildcardZones.append(finding.subject)
            default: break
            }
        }
        if inputState != nil { info.input = UploadedInput.summary(ofParameters: parameters) }
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
