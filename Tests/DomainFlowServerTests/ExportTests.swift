import DomainFlowClient
import DomainFlowServer
import DomainFlowWire
import Foundation
import Testing

/// `ExportCampaignResults`: rows formatted by PostgreSQL, streamed as bytes, the same rows as the
/// typed streams, resumable from a chunk's resume offset, filters in the database.
@Suite struct ExportTests {
    /// The export's bytes, and the chunks' resume offsets with the byte count at each.
    static func export(_ client: DomainFlowClient, _ request: ExportCampaignResultsRequest,
                       stopAfterResume: Bool = false) async throws -> (bytes: [UInt8], resumes: [(bytes: Int, offset: UInt64)]) {
        var bytes: [UInt8] = []
        var resumes: [(Int, UInt64)] = []
        for try await chunk in try client.serverStream(Methods.exportCampaignResults, request, timeout: .seconds(120)) {
            bytes += chunk.data
            if chunk.hasResumeOffset {
                resumes.append((bytes.count, chunk.resumeOffset))
                if stopAfterResume { break }
            }
        }
        return (bytes, resumes)
    }

    /// The JSON lines of an export, parsed.
    static func jsonl(_ client: DomainFlowClient, _ id: String, kind: ExportKind = .rows,
                      _ configure: (inout ExportCampaignResultsRequest) -> Void = { _ in }) async throws -> [[String: Any]] {
        var request = ExportCampaignResultsRequest(id: id, format: .jsonl, kind: kind)
        configure(&request)
        let text = String(decoding: try await export(client, request).bytes, as: UTF8.self)
        return try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw TestFailure("not a JSON object: \(line)")
            }
            return object
        }
    }

    @Test func generatedNamesInBothFormatsResumableAndExact() async throws {
        try await AuthHarness.with { h in
            let client = try await h.admin()
            let count: UInt64 = 70_000  // three ranges of the export
            let campaign = try await client.unary(Methods.createCampaign, CreateCampaignRequest(name: "export",
                type: .domainGeneration, generation: CampaignTests.generation(count: count, charset: "abcdefghijklmnopqrstuvwxyz", prefix: 4), start: true))
            let done = try await DNSCampaignTests.waitUntilEnded(client, campaign.id)
            #expect(done.status == .completed && done.processedItems == count)
            var typed: [GeneratedDomain] = []
            for try await d in try client.serverStream(Methods.streamGeneratedDomains, StreamGeneratedDomainsRequest(id: campaign.id, fromStart: true)) {
                typed.append(d)
            }

            let rows = try await Self.jsonl(client, campaign.id)
            #expect(rows.count == Int(count))
            #expect(rows.map { $0["domain_name"] as? String ?? "" } == typed.map(\.domainName))
            #expect(rows.map { UInt64($0["offset"] as? Int ?? -1) } == typed.map(\.offset), "offsets as JSON numbers, in order")

            var csvRequest = ExportCampaignResultsRequest(id: campaign.id, format: .csv)
            csvRequest.header = true
            let csv = String(decoding: try await Self.export(client, csvRequest).bytes, as: UTF8.self).split(separator: "\n")
            #expect(csv.first == "offset,domain_name")
            #expect(csv.count == Int(count) + 1 && csv[1] == "0,\(typed[0].domainName)" && csv.last == "\(count - 1),\(typed.last!.domainName)")

            // Cut off after the first complete range, then continued from its resume offset: the same bytes.
            let full = try await Self.export(client, ExportCampaignResultsRequest(id: campaign.id, format: .jsonl))
            #expect(full.resumes.count == 3 && full.resumes.last?.offset ?? 0 >= count, "\(full.resumes.map(\.offset))")
            let head = try await Self.export(client, ExportCampaignResultsRequest(id: campaign.id, format: .jsonl), stopAfterResume: true)
            let cut = try #require(head.resumes.first)
            var rest = ExportCampaignResultsRequest(id: campaign.id, format: .jsonl)
            rest.startOffset = cut.offset
            let tail = try await Self.export(client, rest)
            #expect(Array(head.bytes.prefix(cut.bytes)) + tail.bytes == full.bytes)

            // Bad input: no format, a header on JSON, a filter that is not the campaign's, an unknown outcome.
            await expectCode(.invalidArgument) { try await Self.export(client, ExportCampaignResultsRequest(id: campaign.id, format: .unspecified)) }
            var jsonHeader = ExportCampaignResultsRequest(id: campaign.id, format: .jsonl)
            jsonHeader.header = true
            await expectCode(.invalidArgument) { try await Self.export(client, jsonHeader) }
            await expectCode(.invalidArgument) { try await Self.jsonl(client, campaign.id) { $0.liveOnly = true } }
            await expectCode(.invalidArgument) { try await Self.jsonl(client, campaign.id) { $0.outcomes = ["maybe"] } }
            await expectCode(.failedPrecondition) { try await Self.jsonl(client, campaign.id, kind: .leads) }
            await expectCode(.notFound) { try await Self.jsonl(client, UUID().uuidString) }
            await client.close()
        }
    }

    /// A DNS export row compared with the typed stream's row, field by field.
    static func expectSame(_ exported: [[String: Any]], _ typed: [DnsResult], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(exported.count == typed.count, sourceLocation: sourceLocation)
        for (e, t) in zip(exported, typed) {
            let same = e["domain_name"] as? String == t.domainName && e["record_type"] as? String == t.recordType
                && e["outcome"] as? String == t.outcome && e["records"] as? [String] == t.records
                && e["business_status"] as? String == t.businessStatus && e["response_time_ms"] as? Int == Int(t.responseTimeMs)
                && e["resolver"] as? String == t.resolver && e["attempts"] as? Int == Int(t.attempts)
                && e["cname_chain"] as? [String] == t.cnameChain && e["is_available"] as? Bool == t.isAvailable
                && e["message"] as? String == t.message && e["offset"] as? Int == Int(t.offset)
            #expect(same, "exported \(e) vs typed \(t)", sourceLocation: sourceLocation)
        }
    }

    /// An HTTP export row compared with the typed stream's row.
    static func expectSame(_ exported: [[String: Any]], _ typed: [HttpResult], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(exported.count == typed.count, sourceLocation: sourceLocation)
        for (e, t) in zip(exported, typed) {
            let same = e["domain_name"] as? String == t.domainName && e["url"] as? String == t.url
                && e["final_url"] as? String == t.finalURL && e["status_code"] as? Int == Int(t.statusCode)
                && e["title"] as? String == t.title && e["business_status"] as? String == t.businessStatus
                && e["outcome"] as? String == t.outcome && (e["score"] as? Double).map { abs($0 - t.score) < 0.006 } == true
                && e["parked"] as? Bool == t.parked && e["keywords"] as? [String] == t.keywords.map { "\($0.keyword)×\($0.count)" }
                && e["error_kind"] as? String == t.errorKind && e["error"] as? String == t.error
                && e["redirects"] as? [String] == t.redirects && e["address"] as? String == t.address
                && e["offset"] as? Int == Int(t.offset)
            #expect(same, "exported \(e) vs typed \(t)", sourceLocation: sourceLocation)
        }
    }
}
