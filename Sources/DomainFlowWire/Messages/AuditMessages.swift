/// `AuditLog`.
public struct AuditLogEntry: WireMessage, Equatable {
    public var id: String
    public var userID: String
    public var action: String
    public var resourceType: String
    public var resourceID: String
    public var detailsJSON: String
    public var userAgent: String
    public var createdAtMicros: Int64

    public init(id: String, userID: String, action: String, resourceType: String, resourceID: String,
                detailsJSON: String, userAgent: String, createdAtMicros: Int64) {
        self.id = id; self.userID = userID; self.action = action; self.resourceType = resourceType
        self.resourceID = resourceID; self.detailsJSON = detailsJSON; self.userAgent = userAgent
        self.createdAtMicros = createdAtMicros
    }
    public init(fields f: ProtoFields) {
        self.init(id: f.string(1), userID: f.string(2), action: f.string(3), resourceType: f.string(4),
                  resourceID: f.string(5), detailsJSON: f.string(6), userAgent: f.string(7), createdAtMicros: f.int64(8))
    }
    public var fields: ProtoFields {
        [1: .string(id), 2: .string(userID), 3: .string(action), 4: .string(resourceType), 5: .string(resourceID),
         6: .string(detailsJSON), 7: .string(userAgent), 8: .int(createdAtMicros)]
    }
}

public struct ListAuditLogsRequest: WireMessage, Equatable {
    public var userID = ""
    public var action = ""
    public var resourceType = ""
    public var resourceID = ""
    public var sinceMicros: Int64 = 0
    public var untilMicros: Int64 = 0
    public var pageSize: UInt32 = 0
    public var pageToken = ""

    public init() {}
    public init(fields f: ProtoFields) {
        userID = f.string(1); action = f.string(2); resourceType = f.string(3); resourceID = f.string(4)
        sinceMicros = f.int64(5); untilMicros = f.int64(6); pageSize = f.uint32(7); pageToken = f.string(8)
    }
    public var fields: ProtoFields {
        [1: .string(userID), 2: .string(action), 3: .string(resourceType), 4: .string(resourceID), 5: .int(sinceMicros),
         6: .int(untilMicros), 7: .uint(UInt64(pageSize)), 8: .string(pageToken)]
    }
}

public struct ListAuditLogsResponse: WireMessage, Equatable {
    public var logs: [AuditLogEntry]
    public var nextPageToken: String
    public init(logs: [AuditLogEntry], nextPageToken: String) { self.logs = logs; self.nextPageToken = nextPageToken }
    public init(fields f: ProtoFields) {
        logs = f.list(1).compactMap { if case .message(let m) = $0 { AuditLogEntry(fields: m) } else { nil } }
        nextPageToken = f.string(2)
    }
    public var fields: ProtoFields { [1: .list(logs.map { .message($0.fields) }), 2: .string(nextPageToken)] }
}

public struct PurgeAuditLogsRequest: WireMessage, Equatable {
    public var olderThanDays: UInt32
    public init(olderThanDays: UInt32 = 0) { self.olderThanDays = olderThanDays }
    public init(fields f: ProtoFields) { olderThanDays = f.uint32(1) }
    public var fields: ProtoFields { [1: .uint(UInt64(olderThanDays))] }
}

public struct PurgeAuditLogsResponse: WireMessage, Equatable {
    public var deleted: UInt64
    public init(deleted: UInt64) { self.deleted = deleted }
    public init(fields f: ProtoFields) { deleted = f.uint64(1) }
    public var fields: ProtoFields { [1: .uint(deleted)] }
}
