import DomainFlowCore
import DomainFlowStore
import DomainFlowWire
import Foundation

/// `ExportCampaignResults`: a campaign's results formatted by PostgreSQL (CSV, or JSON lines) and
/// streamed as bytes, one range of input offsets at a time: no per-row decode or re-encode, flat
/// memory (one range in memory at once), filters in the database, resumable from a chunk's
/// `resume_offset`. The database connection is held for one range's COPY, never while the client reads.
enum ResultsExport {
    /// Bytes per chunk: well under the default frame limit.
    static let chunkBytes = 1 << 20

    /// Input offsets per range: sized so a range's output is a few MiB at most.
    static func offsetsPerRange(_ source: ExportStatements.Source) -> Int64 {
        switch source {
        case .names: 32_768
        case .dns: 4_096
        case .http, .httpKeywords, .leads: 2_048
        }
    }

    static func run(_ request: ExportCampaignResultsRequest, context: CallContext, writer: StreamWriter<ExportChunk>,
                    pool: ConnectionPool) async throws {
        let principal = try context.requirePrincipal()
        let id = try Paging.uuid(request.id, field: "id")
        try ResultFilters.checkOutcomes(request.outcomes)
        try ResultFilters.checkMinScore(request.minScore)
        guard request.format != .unspecified else {
            throw RPCError.invalidArgument("format: must be EXPORT_FORMAT_CSV (1) or EXPORT_FORMAT_JSONL (2), not 0")
        }
        guard !request.header || request.format == .csv else { throw RPCError.invalidArgument("header: only CSV has a header line") }
        let format: ExportStatements.Format = request.format == .csv ? .csv : .jsonl
        let (campaign, source) = try await pool.withConnection(retryTransient: true) { c in
            try target(c, request, id: id, principal: principal)
        }
        let start = Int64(clamping: request.startOffset)
        let bounds = try await pool.run(ExportStatements.offsetRange(source, campaign: campaign, start: start),
                                        retryTransient: true)
        var header = request.header
        guard let bounds else {
            if header {  // no rows: the header alone
                let names = ExportStatements.columnNames(source).joined(separator: ",") + "\n"
                try await writer.write(ExportChunk(data: Array(names.utf8), rows: 0, resumeOffset: request.startOffset))
            }
            return
        }
        let step = offsetsPerRange(source)
        let settings = ExportStatements.Settings(
            campaign: campaign, outcomes: request.outcomes, liveOnly: request.liveOnly, availableOnly: request.availableOnly,
            leadsOnly: request.leadsOnly, minScore: request.minScore)
        var from = bounds.lowerBound
        while from <= bounds.upperBound {
            let (first, to, withHeader) = (from, from + step, header)
            let (bytes, rows) = try await pool.withConnection(retryTransient: true) { c in
                try c.transaction {
                    try c.run(ExportStatements.apply(settings, from: first, to: to))
                    var bytes: [UInt8] = []
                    let rows = try c.copyOut(ExportStatements.copy(source, format, header: withHeader), appendingTo: &bytes)
                    return (bytes, rows)
                }
            }
            header = false
            if !bytes.isEmpty { try await writer.write(contentsOf: chunks(bytes, rows: rows, resumeOffset: UInt64(to))) }
            from = to
        }
    }

    /// The campaign whose rows are exported and what they are, checked against the filters asked for.
    private static func target(_ c: PGConnection, _ request: ExportCampaignResultsRequest, id: UUID,
                               principal: Principal) throws -> (UUID, ExportStatements.Source) {
        let dnsFilters = !request.outcomes.isEmpty || request.liveOnly || request.availableOnly
        let httpFilters = request.leadsOnly || request.minScore > 0
        switch request.kind {
        case .httpKeywords, .leads:
            guard !dnsFilters else { throw RPCError.invalidArgument("outcomes, live_only and available_only are for DNS rows") }
            return (try HTTPResultsStream.httpStep(c, of: id, principal: principal), request.kind == .leads ? .leads : .httpKeywords)
        case .rows:
            let row = try CampaignsService.find(c, id, principal: principal, forUpdate: false)
            switch row.info.type {
            case .dnsValidation:
                guard !httpFilters else { throw RPCError.invalidArgument("leads_only and min_score are for HTTP campaigns") }
                return (row.id, .dns)
            case .httpKeywordValidation:
                guard !dnsFilters else { throw RPCError.invalidArgument("outcomes, live_only and available_only are for DNS campaigns") }
                return (row.id, .http)
            default:
                guard !dnsFilters, !httpFilters else {
                    throw RPCError.invalidArgument("a generation campaign's names take no DNS or HTTP filter")
                }
                return (row.id, .names)
            }
        }
    }

    /// One range's bytes as chunks of at most `chunkBytes`; the last carries the rows and the resume offset.
    private static func chunks(_ bytes: [UInt8], rows: Int, resumeOffset: UInt64) -> [ExportChunk] {
        var result: [ExportChunk] = []
        var index = 0
        while index < bytes.count {
            let end = min(bytes.count, index + chunkBytes)
            let last = end == bytes.count
            result.append(ExportChunk(data: Array(bytes[index..<end]), rows: last ? UInt64(rows) : 0,
                                      resumeOffset: last ? resumeOffset : 0, hasResumeOffset: last))
            index = end
        }
        return result
    }
}
