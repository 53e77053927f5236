@testable import DomainFlowStore
import Foundation
import Testing

@Suite struct CopyTextTests {
    /// The format spelled out: each value's text, its backslashes, tabs, newlines and carriage returns escaped.
    private static func reference(_ row: [PGValue?]) -> [UInt8] {
        let fields = row.map { value -> String in
            guard let value else { return "\\N" }
            var out = ""
            for character in value.text.unicodeScalars {
                switch character {
                case "\\": out += "\\\\"
                case "\t": out += "\\t"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                default: out.unicodeScalars.append(character)
                }
            }
            return out
        }
        return Array((fields.joined(separator: "\t") + "\n").utf8)
    }

    @Test func writesWhatTheFormatSaysForEveryKindOfValue() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", "\\", "\t", "\n", "\r", "é", "日本", "😀", " ", "N", ""]
        func text() -> String { (0..<Int.random(in: 0..<12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined() }
        let fixed: [PGValue?] = [nil, .int(0), .int(-1), .int(Int64.max), .int(Int64.min), .bool(true), .bool(false),
                                 .double(0.1), .double(-2.5e300), .double(.nan), .double(.infinity),
                                 .uuid(UUID(uuidString: "00000000-0000-0000-0000-000000000000")!),
                                 .timestamp(Date(timeIntervalSince1970: 1_764_633_600.5)), .text(""), .json(#"{"a":"\\t"}"#)]
        var buffer: [UInt8] = []
        CopyText.append(fixed, to: &buffer)
        #expect(buffer == Self.reference(fixed), "\(String(decoding: buffer, as: UTF8.self))")
        for _ in 0..<500 {
            let row: [PGValue?] = [.text(text()), .json(text()), .numeric(text()), .inet(text()), .uuid(UUID()),
                                   .int(Int64.random(in: .min ... .max, using: &generator)), Bool.random() ? nil : .text(text())]
            var buffer: [UInt8] = [0x41]  // appends after what is there
            CopyText.append(row, to: &buffer)
            #expect(buffer == [0x41] + Self.reference(row))
        }
    }
}
