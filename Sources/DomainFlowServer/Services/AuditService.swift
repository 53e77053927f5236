import DomainFlowStore
import DomainFlowWire
import Foundation

/// The audit service (admins): ListAuditLogs, PurgeAuditLogs.
enum AuditService {
    static func register(into router: inout Router, auth: Authenticator) {
        let pool = auth.store.pool

        router.unary(Methods.listAuditLogs) { request, _ in
            let (limit, offset) = try Paging.bounds(request.pageSize, request.pageToken)
            let userID = try request.userID.isEmpty ? nil : Paging.uuid(request.userID, field: "user_id")
            let resourceID = try request.resourceID.isEmpty ? nil : Paging.uuid(request.resourceID, field: "resource_id")
            let parameters: [PGValue?] = [
                userID.map(PGValue.uuid), request.action.isEmpty ? nil : .text(request.action),
                request.resourceType.isEmpty ? nil : .text(request.resourceType), resourceID.map(PGValue.uuid),
                request.sinceMicros == 0 ? nil : .timestamp(Micros.date(request.sinceMicros)),
                request.untilMicros == 0 ? nil : .timestamp(Micros.date(request.untilMicros)),
                .int(limit + 1), .int(offset),
            ]
            let rows = try await pool.read(StatementRegistry.listAudit, parameters, retryTransient: true) { result in
                try result.rows.map { r in
                    AuditLog(id: try r.string(0), userID: r.optionalString(1) ?? "", action: try r.string(2),
                                  resourceType: r.optionalString(3) ?? "", resourceID: r.optionalString(4) ?? "",
                                  detailsJSON: r.optionalString(5) ?? "{}", userAgent: r.optionalString(6) ?? "",
                                  createdAtMicros: Micros.of(try r.date(7)))
                }
            }
            let page = Paging.page(rows, limit: limit, offset: offset)
            return ListAuditLogsResponse(logs: page.items, nextPageToken: page.nextPageToken)
        }

        router.unary(Methods.purgeAuditLogs) { request, context in
            let principal = try context.requirePrincipal()
            let days = request.olderThanDays == 0 ? 90 : Int(request.olderThanDays)
            let deleted = try await pool.withTransaction { c -> Int in
                let deleted = try c.execute(StatementRegistry.purgeAudit, [.int(days)]).affectedRows
                try AuditRecorder.record(c, context: context, userID: principal.userID, action: "audit_purge",
                                         resourceType: "audit_logs", details: ["older_than_days": days, "deleted": deleted])
                return deleted
            }
            return PurgeAuditLogsResponse(deleted: UInt64(deleted))
        }
    }
}
