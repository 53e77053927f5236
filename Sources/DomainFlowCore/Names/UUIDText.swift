import Foundation

extension UUID {
    /// The canonical text in lower case (`8-4-4-4-12` hex digits): how PostgreSQL prints a uuid and how the
    /// protocol carries ids. Written directly, not through `uuidString` and `lowercased()`.
    public var lowercasedString: String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                let digits: StaticString = "0123456789abcdef"
                var at = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        out[at] = UInt8(ascii: "-")
                        at += 1
                    }
                    out[at] = digits.utf8Start[Int(byte >> 4)]
                    out[at + 1] = digits.utf8Start[Int(byte & 0x0f)]
                    at += 2
                }
                return at
            }
        }
    }

    /// Parses the canonical text (`8-4-4-4-12` hex digits, either case); nil for anything else.
    public init?(canonicalText text: some StringProtocol) {
        var value = uuid_t(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed = withUnsafeMutableBytes(of: &value) { (out: UnsafeMutableRawBufferPointer) -> Bool in
            var count = 0, byte = 0, high: UInt8?
            for character in text.utf8 {
                count += 1
                if count == 9 || count == 14 || count == 19 || count == 24 {
                    guard character == UInt8(ascii: "-") else { return false }
                    continue
                }
                let nibble: UInt8
                switch character {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = character - UInt8(ascii: "A") + 10
                default: return false
                }
                guard byte < 16 else { return false }
                if let first = high {
                    out[byte] = first << 4 | nibble
                    byte += 1
                    high = nil
                } else {
                    high = nibble
                }
            }
            return count == 36 && byte == 16
        }
        guard parsed else { return nil }
        self.init(uuid: value)
    }
}
