import DomainFlowCore
import Foundation

/// PostgreSQL's COPY text format: tab-separated columns, `\N` for NULL, backslash escapes.
///
/// Values are written straight into the buffer (texts in runs between the bytes that need escaping, integers and
/// ids as digits), not through a String of each value's text: the store's threads encode every result row of a
/// campaign here.
enum CopyText {
    static func append(_ row: [PGValue?], to buffer: inout [UInt8]) {
        for (index, value) in row.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: "\t")) }
            switch value {
            case nil:
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(UInt8(ascii: "N"))
            case .text(let text)?, .json(let text)?, .numeric(let text)?, .inet(let text)?:
                appendEscaped(text, to: &buffer)
            case .int(let number)?:
                appendDecimal(number, to: &buffer)
            case .bool(let flag)?:
                buffer.append(flag ? UInt8(ascii: "t") : UInt8(ascii: "f"))
            case .uuid(let id)?:
                id.appendLowercased(to: &buffer)
            case let other?:
                appendEscaped(other.text, to: &buffer)  // doubles and timestamps: their text has nothing to escape
            }
        }
        buffer.append(UInt8(ascii: "\n"))
    }

    /// `text` with backslash, tab, newline and carriage return escaped; the runs between them copied whole.
    static func appendEscaped(_ text: String, to buffer: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let escaped: UInt8
                switch utf8[index] {
                case UInt8(ascii: "\\"): escaped = UInt8(ascii: "\\")
                case UInt8(ascii: "\t"): escaped = UInt8(ascii: "t")
                case UInt8(ascii: "\n"): escaped = UInt8(ascii: "n")
                case UInt8(ascii: "\r"): escaped = UInt8(ascii: "r")
                default: continue
                }
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(escaped)
                runStart = index + 1
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
    }

    static func appendDecimal(_ number: Int64, to buffer: inout [UInt8]) {
        if number < 0 { buffer.append(UInt8(ascii: "-")) }
        var magnitude = number.magnitude
        let start = buffer.count
        repeat {
            buffer.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        buffer[start...].reverse()
    }
}
