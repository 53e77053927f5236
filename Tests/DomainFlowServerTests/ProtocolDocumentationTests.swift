@testable import DomainFlowServer
import DomainFlowWire
import Foundation
import Testing

/// `Protos/README.md` is what other languages build a client from: its method table must say what the protocol
/// and the server do. Its prose is written by hand; these checks keep its facts (numbers, names, call kinds, who
/// may call) the same as the generated `Methods` and the server's `MethodAccess`.
@Suite struct ProtocolDocumentationTests {
    /// One documented method: its number, field name, whether the table says it streams, and who may call it.
    struct Documented: Equatable, CustomStringConvertible {
        let number: UInt32
        let name: String
        let streams: Bool
        let access: Access
        var description: String { "\(number) \(name) \(streams ? "stream" : "unary") \(access)" }
    }

    static func documentedMethods() throws -> [Documented] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("Protos/README.md"), encoding: .utf8)
        guard let start = text.range(of: "| # | method | kind | request → response |") else {
            Issue.record("Protos/README.md has no method table")
            return []
        }
        var documented: [Documented] = []
        for line in text[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).dropFirst(2) {
            guard line.hasPrefix("|") else { break }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 5 else { Issue.record("a method row without its cells: \(line)"); continue }
            let bounds = cells[1].split(separator: "–").compactMap { UInt32($0) }
            let numbers = bounds.count == 2 ? Array(bounds[0]...bounds[1]) : bounds
            // Names are the backquoted words outside parentheses (which hold notes such as `update_mask`).
            let names = cells[2].replacingOccurrences(of: #"\([^)]*\)"#, with: "", options: .regularExpression)
                .matches(of: /`([a-z_]+)`/).map { String($0.1) }
            guard numbers.count == names.count, !names.isEmpty else {
                Issue.record("row '\(cells[1])' names \(names.count) methods for \(numbers.count) numbers")
                continue
            }
            let kind = cells[3]
            for (number, name) in zip(numbers, names) {
                let access: Access
                if kind.contains("no auth") { access = .anonymous }
                else if kind.contains("admin") { access = .admin }
                else if kind.contains("(writes: writer)") {
                    access = ["create_", "update_", "delete_"].contains(where: name.hasPrefix) ? .writer : .reader
                } else if kind.contains("writer") { access = .writer }
                else { access = .reader }
                documented.append(Documented(number: number, name: name, streams: kind.contains("server stream"),
                                             access: access))
            }
        }
        return documented
    }

    /// `GetCampaign` → `get_campaign`: an rpc's field name in `Request.method`.
    static func snakeCase(_ name: String) -> String {
        var snake = ""
        for (index, character) in name.enumerated() {
            if character.isUppercase, index > 0 { snake += "_" }
            snake += character.lowercased()
        }
        return snake
    }

    @Test func theMethodTableSaysWhatTheProtocolAndTheServerDo() throws {
        let documented = try Self.documentedMethods()
        let actual = Methods.all.map { method in
            Documented(number: method.number,
                       name: Self.snakeCase(method.name),
                       streams: method.kind == .serverStreaming, access: MethodAccess.of(method.number) ?? .admin)
        }
        #expect(documented.count == actual.count, "the table lists \(documented.count) methods, the protocol has \(actual.count)")
        let byNumber = Dictionary(uniqueKeysWithValues: documented.map { ($0.number, $0) })
        for method in actual {
            #expect(byNumber[method.number] == method, "Protos/README.md says \(byNumber[method.number].map(\.description) ?? "nothing"); the protocol and MethodAccess: \(method)")
        }
    }

    @Test func theCheckReadsEveryKindOfRow() throws {
        // The table's shorthand rows: a range of numbers with its names, and "(writes: writer)".
        let documented = try Self.documentedMethods()
        #expect(documented.first { $0.name == "reset_password" }?.number == 41)
        #expect(documented.first { $0.name == "update_persona" }?.access == .writer)
        #expect(documented.first { $0.name == "list_personas" }?.access == .reader)
        #expect(documented.first { $0.name == "ping" }?.access == .anonymous)
        #expect(documented.first { $0.name == "check_all_proxies" }?.streams == true)
    }
}
