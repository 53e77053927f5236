import DomainFlowCore
import DomainFlowStore
import DomainFlowWire
import Foundation

/// `StreamDnsResults`: a DNS campaign's rows in input order, a page at a time, filtered in the database,
/// resumable from the last (offset, record type) received.
enum DNSResultsStream {
    static let pageSize = 1000

    static func run(_ request: StreamDnsResultsRequest, context: CallContext, writer: StreamWriter<DnsResult>,
                    pool: ConnectionPool) async throws {
        let principal = try context.requirePrincipal()
        let id = try Paging.uuid(request.id, field: "id")
        try ResultFilters.checkOutcomes(request.outcomes)
        let row = try await pool.withConnection(retryTransient: true) { c in
            try CampaignsService.find(c, id, principal: principal, forUpdate: false)
        }
        guard row.info.type == .dnsValidation else {
            throw RPCError(.failedPrecondition, "campaign \(row.info.name) is a \(row.info.type.name) campaign, not dns_validation")
        }
        let outcomes: PGValue? = request.outcomes.isEmpty ? nil : PGValue.array(request.outcomes)
        var cursor: (Int64, String) = request.fromStart ? (-1, "") : (Int64(clamping: request.afterOffset), request.afterRecordType)
        while true {
            let after = cursor
            let page = try await pool.withConnection(retryTransient: true) { c in
                try c.execute(StatementRegistry.dnsResultsPage, [
                    .uuid(id), .int(after.0), .text(after.1), .int(pageSize), outcomes, .bool(request.liveOnly),
                    .bool(request.availableOnly),
                ]).rows.map(DnsResult.init(row:))
            }
            try await writer.write(contentsOf: page)
            guard let last = page.last, page.count == pageSize else { return }
            cursor = (Int64(last.offset), last.recordType)
        }
    }
}

extension DnsResult {
    /// A row of `StatementRegistry.dnsResultsPage`.
    init(row: Row) throws {
        self.init()
        domainName = try row.string(0)
        recordType = try row.string(1)
        outcome = try row.string(2)
        records = row.optionalString(3).map { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) } ?? []
        businessStatus = try row.string(4)
        responseTimeMs = UInt32(clamping: try row.optionalInt(5) ?? 0)
        resolver = row.optionalString(6) ?? ""
        attempts = UInt32(clamping: try row.int(7))
        cnameChain = row.optionalString(8).map { $0.split(separator: "\n").map(String.init) } ?? []
        message = row.optionalString(9) ?? ""
        offset = UInt64(try row.int(10))
        isAvailable = try row.bool(11)
    }
}
