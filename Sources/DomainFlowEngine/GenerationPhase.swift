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
        let campaign = PGValue.uuid(batch.campaignID)
        let completed = PGValue.text("completed"), generated = PGValue.text("generated")
        var rows: [[PGValue?]] = []
        rows.reserveCapacity(Int(batch.count))
        for offset in batch.startOffset..<(batch.startOffset + batch.count) {
            if let name = pattern.name(at: offset) { rows.append([campaign, .text(name), .int(offset), completed, generated]) }
        }
        let finalRows = rows
        return BatchOutput(processed: batch.count, skipped: batch.count - Int64(rows.count)) { c in
            _ = try c.copyIn(StatementRegistry.generatedDomainsCopy, rows: finalRows)
        }
    }
}
