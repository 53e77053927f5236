import DomainFlowCore
import DomainFlowStore
import DomainFlowWire
import Foundation

/// `StreamHttpResults`: an HTTP campaign's per-name summaries in input order, a page at a time, filtered in
/// the database, resumable from the last offset received. The id may be any campaign of a pipeline.
enum HTTPResultsStream {
    static let pageSize = 1000

    static func run(_ request: StreamHttpResultsRequest, context: CallContext, writer: StreamWriter<HttpResult>,
                    pool: ConnectionPool) async throws {
        let principal = try context.requirePrincipal()
        let id = try Paging.uuid(request.id, field: "id")
        try ResultFilters.checkMinScore(request.minScore)
        let campaign = try await pool.withConnection(retryTransient: true) { c in try httpStep(c, of: id, principal: principal) }
        var cursor: Int64 = request.fromStart ? -1 : Int64(clamping: request.afterOffset)
        while true {
            let after = cursor
            let page = try await pool.withConnection(retryTransient: true) { c in
                try c.execute(StatementRegistry.httpResultsPage, [
                    .uuid(campaign), .int(after), .int(pageSize), .bool(request.leadsOnly), request.minScore > 0 ? .double(request.minScore) : nil,
                ]).rows.map(HttpResult.init(row:))
            }
            try await writer.write(contentsOf: page)
            guard let last = page.last, page.count == pageSize else { return }
            cursor = Int64(last.offset)
        }
    }
}

extension HTTPResultsStream {
    /// The HTTP campaign that `id` names: itself, or the http_keyword_validation step of its pipeline.
    static func httpStep(_ c: PGConnection, of id: UUID, principal: Principal) throws -> UUID {
        let row = try CampaignsService.find(c, id, principal: principal, forUpdate: false)
        if row.info.type == .httpKeywordValidation { return row.id }
        for followOn in try c.execute(StatementRegistry.followOnsOf, [.uuid(id)]).rows where try followOn.string(2) == "http_keyword_validation" {
            return try followOn.uuid(0)
        }
        throw RPCError(.failedPrecondition, "campaign \(row.info.name) is a \(row.info.type.name) campaign with no http_keyword_validation step")
    }
}

extension HttpResult {
    /// A row of `StatementRegistry.httpResultsPage`.
    init(row: Row) throws {
        self.init()
        func lines(_ index: Int) -> [String] { row.optionalString(index).map { $0.split(separator: "\n").map(String.init) } ?? [] }
        domainName = try row.string(0)
        url = try row.string(1)
        finalURL = row.optionalString(2) ?? ""
        statusCode = UInt32(clamping: try row.optionalInt(3) ?? 0)
        title = row.optionalString(4) ?? ""
        businessStatus = try row.string(5)
        outcome = try row.string(6)
        score = try row.double(7)
        parkedScore = try row.double(8)
        parked = outcome == "parked"
        parkedSignals = lines(9)
        struct Keyword: Decodable { let keyword: String; let count: UInt64; let context: String }
        keywords = ((try? JSONDecoder().decode([Keyword].self, from: Data(try row.json(10).utf8))) ?? []).map {
            KeywordCount(keyword: $0.keyword, count: $0.count, context: $0.context)
        }
        errorKind = row.optionalString(11) ?? ""
        error = row.optionalString(12) ?? ""
        responseTimeMs = UInt32(clamping: try row.optionalInt(13) ?? 0)
        offset = UInt64(try row.int(14))
        isLead = try row.bool(15)
        redirects = lines(16)
        server = row.optionalString(17) ?? ""
        httpVersion = row.optionalString(18) ?? ""
        bodySHA256 = row.optionalString(19) ?? ""
        bodyBytes = UInt64(try row.int(20))
        address = row.optionalString(21) ?? ""
        proxyID = row.optionalString(22) ?? ""
        personaID = row.optionalString(23) ?? ""
    }
}
