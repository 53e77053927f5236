/// Case-insensitive search for ASCII text in bytes (UTF-8 pages, headers), without making a String of them.
enum ASCIISearch {
    /// Where ASCII `needle` starts in `bytes` at `from` or later (before `to`, when given), ignoring ASCII case;
    /// nil when it does not occur.
    static func find(_ needle: StaticString, in bytes: [UInt8], from: Int, to end: Int? = nil) -> Int? {
        @inline(__always) func lower(_ byte: UInt8) -> UInt8 { byte &- 65 < 26 ? byte | 0x20 : byte }
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
