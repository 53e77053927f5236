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
            let filter = AuditFilter(
                userID: userID, action: request.action.isEmpty ? nil : request.action,
                resourceType: request.resourceType.isEmpty ? nil : request.resourceType, resourceID: resourceID,
                since: request.sinceMicros == 0 ? nil : Micros.date(request.sinceMicros),
                until: request.untilMicros == 0 ? nil : Micros.date(request.untilMicros))
            let rows = try await pool.run(AuditLogs.list(filter, limit: limit + 1, offset: offset), retryTransient: true)
            let page = Paging.page(rows, limit: limit, offset: offset)
            return ListAuditLogsResponse(logs: page.items.map { r in
                AuditLog(id: r.id.lowercasedString, userID: r.userID?.lowercasedString ?? "", action: r.action,
                         resourceType: r.resourceType ?? "", resourceID: r.resourceID?.lowercasedString ?? "",
                         detailsJSON: r.details, userAgent: r.userAgent ?? "", createdAtMicros: Micros.of(r.createdAt))
            }, nextPageToken: page.nextPageToken)
        }

        router.unary(Methods.purgeAuditLogs) { request, context in
            let principal = try context.requirePrincipal()
            let days = request.olderThanDays == 0 ? 90 : Int(request.olderThanDays)
            let deleted = try await pool.withTransaction { c -> Int in
                let deleted = try c.run(AuditLogs.purge(olderThanDays: days))
                try AuditRecorder.record(c, context: context, userID: principal.userID, action: "audit_purge",
                                         resourceType: "audit_logs", details: ["older_than_days": days, "deleted": deleted])
                return deleted
            }
            return PurgeAuditLogsResponse(deleted: UInt64(deleted))
        }
    }
}
