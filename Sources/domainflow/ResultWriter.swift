import DomainFlowCore
import DomainFlowWire
import Foundation

/// `campaign results --format`.
enum ResultFormat: String {
    case table, jsonl, csv
}

/// One output value: numbers and booleans stay unquoted in JSON; lists become JSON arrays, and
/// space-separated text in CSV and tables.
enum ResultValue {
    case text(String)
    case number(Int64)
    case bool(Bool)
    case list([String])
}

/// Writes rows in a format, buffered (64 KiB at a time) so that memory stays flat.
struct ResultWriter {
    let handle: FileHandle
    let format: ResultFormat
    private var columns: [String] = []
    private var buffer = ""

    init(handle: FileHandle, format: ResultFormat) { self.handle = handle; self.format = format }

    mutating func header(_ names: [String]) {
        columns = names
        switch format {
        case .csv: buffer += names.joined(separator: ",") + "\n"
        case .table: buffer += names.map { $0.uppercased() }.joined(separator: "\t") + "\n"
        case .jsonl: break
        }
    }

    mutating func row(_ values: [ResultValue]) {
        switch format {
        case .jsonl:
            buffer += "{" + zip(columns, values).map { "\(Self.json($0)):\(Self.json($1))" }.joined(separator: ",") + "}\n"
        case .csv:
            buffer += values.map { Self.csv(Self.plain($0)) }.joined(separator: ",") + "\n"
        case .table:
            buffer += values.map { Self.plain($0).replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") }
                .joined(separator: "\t") + "\n"
        }
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

    private static func csv(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func json(_ value: ResultValue) -> String {
        switch value {
        case .text(let s): json(s)
        case .number(let n): String(n)
        case .bool(let b): b ? "true" : "false"
        case .list(let items): "[" + items.map(json).joined(separator: ",") + "]"
        }
    }

    static func json(_ text: String) -> String { JSONText.quote(text) }
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
