import Foundation

extension UUID {
    /// The canonical text in lower case (`8-4-4-4-12` hex digits): how PostgreSQL prints a uuid and how the
    /// protocol carries ids. Written directly, not through `uuidString` and `lowercased()`.
    public var lowercasedString: String {
        String(unsafeUninitializedCapacity: 36) { out in
            writeLowercased(into: out)
            return 36
        }
    }

    /// Appends the canonical lower-case text to `bytes` (a COPY buffer, say), without a String in between.
    public func appendLowercased(to bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: 36))
        bytes.withUnsafeMutableBufferPointer { writeLowercased(into: UnsafeMutableBufferPointer(rebasing: $0[start...])) }
    }

    /// Writes the 36 bytes of the canonical lower-case text at the start of `out`.
    private func writeLowercased(into out: UnsafeMutableBufferPointer<UInt8>) {
        withUnsafeBytes(of: uuid) { bytes in
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
        }
    }

    /// Parses the canonical text (`8-4-4-4-12` hex digits, either case); nil for anything else.
    public init?(canonicalText text: some StringProtocol) {
        // Over the contiguous UTF-8 of a String, not through the generic protocol's witnesses character by character.
        var string = String(text)
        guard let value = string.withUTF8({ Self.parseCanonical($0) }) else { return nil }
        self.init(uuid: value)
    }

    private static func parseCanonical(_ text: UnsafeBufferPointer<UInt8>) -> uuid_t? {
        guard text.count == 36 else { return nil }
        var value = uuid_t(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed = withUnsafeMutableBytes(of: &value) { (out: UnsafeMutableRawBufferPointer) -> Bool in
            @inline(__always) func nibble(_ character: UInt8) -> UInt8? {
                switch character {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
                default: nil
                }
            }
            var at = 0
            for byte in 0..<16 {
                if byte == 4 || byte == 6 || byte == 8 || byte == 10 {
                    guard text[at] == UInt8(ascii: "-") else { return false }
                    at += 1
                }
                guard let high = nibble(text[at]), let low = nibble(text[at + 1]) else { return false }
                out[byte] = high << 4 | low
                at += 2
            }
            return true
        }
        return parsed ? value : nil
    }
}
