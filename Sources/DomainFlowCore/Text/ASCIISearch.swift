/// Case-insensitive comparison and search of ASCII text in bytes (UTF-8 pages, header names), without making a
/// lower-cased String of them.
public enum ASCIISearch {
    /// `byte` lower-cased when it is an ASCII capital letter, else itself.
    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 { byte &- 65 < 26 ? byte | 0x20 : byte }

    /// Whether `bytes` are the lower-case ASCII `lowercase` in any case.
    static func equalsIgnoringCase(_ bytes: some Collection<UInt8>, _ lowercase: some Collection<UInt8>) -> Bool {
        bytes.count == lowercase.count && zip(bytes, lowercase).allSatisfy { lower($0) == $1 }
    }

    /// Whether `text` is the lower-case ASCII `lowercase` in any case (a header's name, say).
    public static func equalsIgnoringCase(_ text: String, _ lowercase: String) -> Bool {
        equalsIgnoringCase(text.utf8, lowercase.utf8)
    }

    /// Where ASCII `needle` starts in `bytes` at `from` or later (before `to`, when given), ignoring ASCII case;
    /// nil when it does not occur.
    static func find(_ needle: StaticString, in bytes: [UInt8], from: Int, to end: Int? = nil) -> Int? {
        let pattern = needle.withUTF8Buffer { $0.map(lower) }
        let limit = min(end ?? bytes.count, bytes.count)
        guard limit >= pattern.count else { return nil }
        var i = from
        while i <= limit - pattern.count {
            var k = 0
            while k < pattern.count, lower(bytes[i + k]) == pattern[k] { k += 1 }
            if k == pattern.count { return i }
            i += 1
        }
        return nil
    }
}
