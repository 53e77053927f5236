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
            let filter = HTTPResultFilter(leadsOnly: request.leadsOnly, minScore: request.minScore > 0 ? request.minScore : nil)
            let page = try await pool.run(HTTPResults.page(campaign: campaign, after: after, limit: pageSize, filter),
                                          retryTransient: true).map(HttpResult.init)
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
        for followOn in try c.run(Campaigns.followOns(of: id)) where followOn.typeName == "http_keyword_validation" {
            return followOn.id
        }
        throw RPCError(.failedPrecondition, "campaign \(row.info.name) is a \(row.info.type.name) campaign with no http_keyword_validation step")
    }
}

extension HttpResult {
    init(_ r: HTTPSummaryRecord) {
        self.init()
        domainName = r.name
        url = r.url
        finalURL = r.finalURL ?? ""
        statusCode = UInt32(clamping: r.statusCode ?? 0)
        title = r.title ?? ""
        businessStatus = r.businessStatus
        outcome = r.outcome
        score = r.leadScore
        parkedScore = r.parkedScore
        parked = outcome == "parked"
        parkedSignals = r.parkedSignals
        keywords = r.keywords.map { KeywordCount(keyword: $0.keyword, count: $0.count, context: $0.context) }
        errorKind = r.errorKind ?? ""
        error = r.errorMessage ?? ""
        responseTimeMs = UInt32(clamping: r.responseTimeMs ?? 0)
        offset = UInt64(r.offset)
        isLead = r.isLead
        redirects = r.redirects
        server = r.server ?? ""
        httpVersion = r.httpVersion ?? ""
        bodySHA256 = r.bodySHA256 ?? ""
        bodyBytes = UInt64(r.bodyBytes)
        address = r.address ?? ""
        proxyID = r.proxyID?.lowercasedString ?? ""
        personaID = r.personaID?.lowercasedString ?? ""
    }
}
