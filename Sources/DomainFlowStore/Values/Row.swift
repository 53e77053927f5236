import DomainFlowCore
import Foundation

/// One result row, as PostgreSQL's text values (nil for NULL), with typed accessors.
/// Accessors throw `StoreError` (INTERNAL) when a value does not parse as the asked type:
/// that is a mismatch between a statement and its caller, not bad user input.
struct Row: Sendable {
    let values: [String?]
    let columns: [String]

    subscript(_ index: Int) -> String? { values[index] }

    func isNull(_ index: Int) -> Bool { values[index] == nil }

    func string(_ index: Int) throws(StoreError) -> String {
        guard let value = values[index] else { throw mismatch(index, "text") }
        return value
    }
    func optionalString(_ index: Int) -> String? { values[index] }

    func int(_ index: Int) throws(StoreError) -> Int64 {
        guard let text = values[index], let value = Int64(text) else { throw mismatch(index, "integer") }
        return value
    }
    func optionalInt(_ index: Int) throws(StoreError) -> Int64? {
        values[index] == nil ? nil : try int(index)
    }

    func double(_ index: Int) throws(StoreError) -> Double {
        guard let text = values[index], let value = Double(text) else { throw mismatch(index, "double") }
        return value
    }

    func bool(_ index: Int) throws(StoreError) -> Bool {
        switch values[index] {
        case "t": return true
        case "f": return false
        default: throw mismatch(index, "boolean")
        }
    }
    func optionalBool(_ index: Int) throws(StoreError) -> Bool? {
        values[index] == nil ? nil : try bool(index)
    }

    func uuid(_ index: Int) throws(StoreError) -> UUID {
        guard let text = values[index], let value = UUID(canonicalText: text) else { throw mismatch(index, "uuid") }
        return value
    }
    func optionalUUID(_ index: Int) throws(StoreError) -> UUID? {
        values[index] == nil ? nil : try uuid(index)
    }

    func date(_ index: Int) throws(StoreError) -> Date {
        guard let text = values[index], let value = PGTimestamp.parse(text) else { throw mismatch(index, "timestamptz") }
        return value
    }
    func optionalDate(_ index: Int) throws(StoreError) -> Date? {
        values[index] == nil ? nil : try date(index)
    }

    /// A json/jsonb value as its text.
    func json(_ index: Int) throws(StoreError) -> String { try string(index) }

    /// A numeric value in its exact text form (e.g. "12.50").
    func numeric(_ index: Int) throws(StoreError) -> String { try string(index) }

    /// An inet value as text (e.g. "127.0.0.1"; PostgreSQL omits a /32 or /128 mask).
    func inet(_ index: Int) throws(StoreError) -> String { try string(index) }

    private func mismatch(_ index: Int, _ type: String) -> StoreError {
        let name = index < columns.count ? columns[index] : "#\(index)"
        return StoreError(kind: .internal, message: "column \(name) is not a non-null \(type): \(values[index] ?? "NULL")")
    }
}

/// The rows of one statement, and how many rows it affected.
struct QueryResult: Sendable {
    let rows: [Row]
    let affectedRows: Int

    var first: Row? { rows.first }
}

extension Row {
    /// A campaign status column; INTERNAL for a value the schema's check would not allow.
    func campaignStatus(_ index: Int) throws(StoreError) -> CampaignStatus {
        guard let status = CampaignStatus(rawValue: try string(index)) else {
            throw StoreError(kind: .internal, message: "unknown campaign status \(self[index] ?? "")")
        }
        return status
    }

    /// The first column as a uuid: the decoder of statements that return only an id.
    static func leadingUUID(_ row: Row) throws(StoreError) -> UUID { try row.uuid(0) }
}
