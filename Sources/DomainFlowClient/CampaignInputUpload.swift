import DomainFlowWire
import Foundation

extension DomainFlowClient {
    /// What an upload sent and what the server made of it.
    public struct UploadReport: Sendable {
        public var campaign: Campaign
        public var lines: UInt64
    }

    /// Uploads `lines` (any sequence, read once, never held whole) to a campaign created with `upload_input`,
    /// in chunks of `chunkSize` lines, then finishes the upload (and starts the campaign with `start`).
    /// Memory stays flat: one chunk is held at a time.
    public func uploadCampaignInput<Lines: AsyncSequence>(campaignID: String, lines: Lines, chunkSize: Int = 10_000,
                                                          start: Bool, timeout: Duration? = .seconds(120)) async throws -> UploadReport
    where Lines.Element == String {
        var chunk: [String] = []
        chunk.reserveCapacity(chunkSize)
        var firstLine: UInt64 = 1
        func send() async throws {
            _ = try await unary(Methods.appendCampaignInput,
                                AppendCampaignInputRequest(id: campaignID, firstLine: firstLine, lines: chunk), timeout: timeout)
            firstLine += UInt64(chunk.count)
            chunk.removeAll(keepingCapacity: true)
        }
        for try await line in lines {
            chunk.append(line)
            if chunk.count >= chunkSize { try await send() }
        }
        if !chunk.isEmpty { try await send() }
        let campaign = try await unary(Methods.finishCampaignInput,
                                       FinishCampaignInputRequest(id: campaignID, totalLines: firstLine - 1, start: start), timeout: timeout)
        return UploadReport(campaign: campaign, lines: firstLine - 1)
    }
}
