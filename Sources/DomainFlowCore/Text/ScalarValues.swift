extension String {
    /// The string's Unicode scalar values in order, read straight from its UTF-8: ASCII widened byte for byte, longer
    /// sequences decoded (a String's UTF-8 is valid). What the matchers scan; several times faster than mapping
    /// `unicodeScalars`, which decodes through the generic view scalar by scalar.
    public var scalarValues: [UInt32] {
        var string = self
        return string.withUTF8 { utf8 in
            var out: [UInt32] = []
            out.reserveCapacity(utf8.count)
            var i = 0
            while i < utf8.count {
                let lead = utf8[i]
                if lead < 0x80 {
                    out.append(UInt32(lead))
                    i += 1
                } else {
                    let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
                    var value = UInt32(lead) & (0x7F >> length)
                    for k in 1..<length { value = value << 6 | UInt32(utf8[i + k] & 0x3F) }
                    out.append(value)
                    i += length
                }
            }
            return out
        }
    }
}
