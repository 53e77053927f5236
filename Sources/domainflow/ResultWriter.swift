import DomainFlowWire
import Foundation

/// `campaign results --format`.
enum ResultFormat: String {
    case table, jsonl, csv
}

/// One value of a table cell: lists are space-separated.
enum ResultValue {
    case text(String)
    case number(Int64)
    case bool(Bool)
    case list([String])
}

/// Writes `--format table` rows from the typed streams (CSV and JSON lines come formatted from the server:
/// `ResultExport`), tab-separated, buffered 64 KiB at a time so that memory stays flat.
struct ResultWriter {
    let handle: FileHandle
    private var buffer = ""

    init(handle: FileHandle) { self.handle = handle }

    mutating func header(_ names: [String]) {
        buffer += names.map { $0.uppercased() }.joined(separator: "\t") + "\n"
    }

    mutating func row(_ values: [ResultValue]) {
        buffer += values.map { Self.plain($0).replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") }
            .joined(separator: "\t") + "\n"
        if buffer.utf8.count > 1 << 16 { handle.write(Data(buffer.utf8)); buffer = "" }
    }

    mutating func finish() {
        handle.write(Data(buffer.utf8))
        buffer = ""
    }

    private static func plain(_ value: ResultValue) -> String {
        switch value {
        case .text(let s): s
        case .number(let n): String(n)
        case .bool(let b): b ? "true" : "false"
        case .list(let items): items.joined(separator: " ")
        }
    }
}

/// The columns of a DNS campaign's results, in every format (JSON keys as named).
enum DNSResultColumns {
    static let names = ["domain_name", "record_type", "outcome", "records", "business_status", "response_time_ms", "resolver",
                        "attempts", "cname_chain", "is_available", "message", "offset"]

    static func values(_ r: DnsResult) -> [ResultValue] {
        [.text(r.domainName), .text(r.recordType), .text(r.outcome), .list(r.records), .text(r.businessStatus),
         .number(Int64(r.responseTimeMs)), .text(r.resolver), .number(Int64(r.attempts)), .list(r.cnameChain),
         .bool(r.isAvailable), .text(r.message), .number(Int64(r.offset))]
    }
}

/// The columns of an HTTP campaign's results: one line per name, or with `--keywords` one per matched keyword.
enum HTTPResultColumns {
    static let names = ["domain_name", "url", "final_url", "status_code", "title", "business_status", "outcome", "score", "parked",
                        "keywords", "error_kind", "error", "response_time_ms", "redirects", "address", "offset"]

    static func values(_ r: HttpResult) -> [ResultValue] {
        [.text(r.domainName), .text(r.url), .text(r.finalURL), .number(Int64(r.statusCode)), .text(r.title), .text(r.businessStatus),
         .text(r.outcome), .text(String(format: "%.2f", r.score)), .bool(r.parked),
         .list(r.keywords.map { "\($0.keyword)×\($0.count)" }), .text(r.errorKind), .text(r.error),
         .number(Int64(r.responseTimeMs)), .list(r.redirects), .text(r.address), .number(Int64(r.offset))]
    }

    static let keywordNames = ["domain_name", "final_url", "keyword", "occurrences", "context", "status_code", "business_status"]

    static func keywordValues(_ r: HttpResult) -> [[ResultValue]] {
        r.keywords.map {
            [.text(r.domainName), .text(r.finalURL), .text($0.keyword), .number(Int64($0.count)), .text($0.context),
             .number(Int64(r.statusCode)), .text(r.businessStatus)]
        }
    }
}
