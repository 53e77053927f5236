import Foundation

/// A statement parameter, sent to PostgreSQL in its text form (never spliced into SQL).
enum PGValue: Sendable, Equatable {
    case text(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case uuid(UUID)
    case timestamp(Date)
    /// A JSON document (for json/jsonb columns), already serialized.
    case json(String)
    /// A decimal number in its exact text form, e.g. "12.50".
    case numeric(String)
    /// An IP address or network, e.g. "127.0.0.1" or "::1".
    case inet(String)

    /// The text PostgreSQL parses for this value.
    var text: String {
        switch self {
        case .text(let s), .json(let s), .numeric(let s), .inet(let s): s
        case .int(let i): String(i)
        case .double(let d): d.isFinite ? "\(d)" : (d.isNaN ? "NaN" : (d > 0 ? "Infinity" : "-Infinity"))
        case .bool(let b): b ? "t" : "f"
        case .uuid(let u): u.lowercasedString
        case .timestamp(let date): PGTimestamp.format(date)
        }
    }
}

extension PGValue {
    static func int(_ value: Int) -> PGValue { .int(Int64(value)) }
    static func int(_ value: Int32) -> PGValue { .int(Int64(value)) }
}

/// Text forms of `timestamptz`.
enum PGTimestamp {
    /// `2026-11-28T16:57:12.090438Z`, which PostgreSQL accepts for timestamptz.
    static func format(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = floor(seconds)
        var micros = Int(((seconds - whole) * 1_000_000).rounded())
        if micros == 1_000_000 { whole += 1; micros = 0 }
        var t = time_t(whole)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), micros)
    }

    /// Parses PostgreSQL's ISO output, `2026-11-28 16:57:12.090438+00` (offset `+HH`, `+HH:MM`).
    static func parse(_ text: String) -> Date? {
        let utf8 = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= utf8.count else { return nil }
            var value = 0
            for byte in utf8[range] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard utf8.count >= 19, let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19) else { return nil }
        var index = 19
        var fraction = 0.0
        if index < utf8.count, utf8[index] == UInt8(ascii: ".") {
            var scale = 0.1
            index += 1
            while index < utf8.count, utf8[index] >= 48, utf8[index] <= 57 {
                fraction += Double(utf8[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offsetSeconds = 0
        if index < utf8.count, utf8[index] == UInt8(ascii: "+") || utf8[index] == UInt8(ascii: "-") {
            let sign = utf8[index] == UInt8(ascii: "-") ? -1 : 1
            guard let hours = number((index + 1)..<(index + 3)) else { return nil }
            var minutes = 0
            if index + 5 < utf8.count + 0, index + 3 < utf8.count, utf8[index + 3] == UInt8(ascii: ":") {
                minutes = number((index + 4)..<(index + 6)) ?? 0
            }
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let epoch = timegm(&parts)
        return Date(timeIntervalSince1970: Double(epoch) - Double(offsetSeconds) + fraction)
    }
}

extension PGValue {
    /// A one-dimensional array parameter in PostgreSQL's text form (`{"a","b"}`), each element quoted and escaped.
    static func array(_ elements: some Sequence<String>) -> PGValue {
        var text = "{"
        var first = true
        for element in elements {
            if !first { text += "," }
            first = false
            text += "\""
            for scalar in element.unicodeScalars {
                if scalar == "\"" || scalar == "\\" { text += "\\" }
                text.unicodeScalars.append(scalar)
            }
            text += "\""
        }
        return .text(text + "}")
    }
}
