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
        let filter = DNSResultFilter(outcomes: request.outcomes.isEmpty ? nil : request.outcomes, liveOnly: request.liveOnly,
                                     availableOnly: request.availableOnly)
        var cursor: (Int64, String) = request.fromStart ? (-1, "") : (Int64(clamping: request.afterOffset), request.afterRecordType)
        while true {
            let after = cursor
            let page = try await pool.run(DNSResults.page(campaign: id, after: after, limit: pageSize, filter), retryTransient: true)
                .map(DnsResult.init)
            try await writer.write(contentsOf: page)
            guard let last = page.last, page.count == pageSize else { return }
            cursor = (Int64(last.offset), last.recordType)
        }
    }
}

extension DnsResult {
    init(_ r: DNSResultRecord) {
        self.init(domainName: r.name, recordType: r.recordType, outcome: r.outcome, records: r.records,
                  businessStatus: r.businessStatus, responseTimeMs: UInt32(clamping: r.responseTimeMs ?? 0),
                  resolver: r.resolver ?? "", attempts: UInt32(clamping: r.attempts), cnameChain: r.cnameChain,
                  message: r.message ?? "", offset: UInt64(r.offset), isAvailable: r.isAvailable)
    }
}
