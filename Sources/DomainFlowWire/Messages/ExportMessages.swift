/// `ExportFormat`.
public enum ExportFormat: Int32, Sendable, CaseIterable {
    case unspecified = 0, csv = 1, jsonl = 2
}

/// `ExportKind`.
public enum ExportKind: Int32, Sendable, CaseIterable {
    case rows = 0, httpKeywords = 1, leads = 2
}

/// `ExportCampaignResultsRequest`: a campaign's results as CSV or JSON lines, formatted by PostgreSQL.
public struct ExportCampaignResultsRequest: WireMessage, Equatable {
    public var id: String
    public var format: ExportFormat
    public var kind: ExportKind
    /// Resume: rows of input offsets from this one on.
    public var startOffset: UInt64 = 0
    /// CSV: a header line first.
    public var header = false
    public var outcomes: [String] = []
    public var liveOnly = false
    public var availableOnly = false
    public var leadsOnly = false
    public var minScore: Double = 0

    public init(id: String, format: ExportFormat, kind: ExportKind = .rows) {
        self.id = id; self.format = format; self.kind = kind
    }

    public init(fields f: ProtoFields) throws {
        guard let format = ExportFormat(rawValue: f.int32(2)), format != .unspecified else {
            throw RPCError.invalidArgument("format: must be EXPORT_FORMAT_CSV (1) or EXPORT_FORMAT_JSONL (2), not \(f.int32(2))")
        }
        guard let kind = ExportKind(rawValue: f.int32(3)) else {
            throw RPCError.invalidArgument("kind: unknown value \(f.int32(3)); use 0 (rows), 1 (http keywords) or 2 (leads)")
        }
        self.init(id: f.string(1), format: format, kind: kind)
        startOffset = f.uint64(4); header = f.bool(5); outcomes = f.strings(6); liveOnly = f.bool(7)
        availableOnly = f.bool(8); leadsOnly = f.bool(9); minScore = f.double(10)
    }

    public var fields: ProtoFields {
        [1: .string(id), 2: .int(Int64(format.rawValue)), 3: .int(Int64(kind.rawValue)), 4: .uint(startOffset), 5: .bool(header),
         6: .strings(outcomes), 7: .bool(liveOnly), 8: .bool(availableOnly), 9: .bool(leadsOnly), 10: .double(minScore)]
    }
}

/// `ExportChunk`: bytes of the export; the chunks concatenated are the whole of it.
public struct ExportChunk: WireMessage, Equatable {
    public var data: [UInt8]
    /// Lines that end in this chunk.
    public var rows: UInt64
    /// When set, every row of an input offset below it has been sent: the `startOffset` to resume from.
    public var resumeOffset: UInt64?

    public init(data: [UInt8], rows: UInt64, resumeOffset: UInt64?) {
        self.data = data; self.rows = rows; self.resumeOffset = resumeOffset
    }

    public init(fields f: ProtoFields) {
        self.init(data: f.bytes(1), rows: f.uint64(2), resumeOffset: f.bool(4) ? f.uint64(3) : nil)
    }

    public var fields: ProtoFields {
        [1: .bytes(data), 2: .uint(rows), 3: resumeOffset.map { .uint($0) }, 4: .bool(resumeOffset != nil)]
    }
}
