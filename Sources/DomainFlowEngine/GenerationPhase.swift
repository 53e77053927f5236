import DomainFlowCore
import DomainFlowStore
import Foundation

/// Domain generation: a batch is a range of offsets of the pattern; its names go in with COPY.
public struct GenerationPhase: CampaignPhase {
    public let campaignType = "domain_generation"

    public init() {}

    public func process(_ batch: LeasedBatch) async throws -> BatchOutput {
        let pattern: GenerationPattern
        do {
            pattern = try JSONDecoder().decode(GenerationSpec.self, from: Data(batch.parameters.utf8)).pattern()
        } catch {
            throw PermanentPhaseError("bad parameters: \(error)")
        }
        var names: [NameAtOffset] = []
        names.reserveCapacity(Int(batch.count))
        for offset in batch.startOffset..<(batch.startOffset + batch.count) {
            if let name = pattern.name(at: offset) { names.append(NameAtOffset(name: name, offset: offset)) }
        }
        let finalNames = names, campaign = batch.campaignID
        return BatchOutput(processed: batch.count, skipped: batch.count - Int64(names.count)) { c in
            try c.copy(DomainNames.copyGenerated(into: campaign), finalNames)
        }
    }
}
