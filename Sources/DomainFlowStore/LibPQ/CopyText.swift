/// PostgreSQL's COPY text format: tab-separated columns, `\N` for NULL, backslash escapes.
enum CopyText {
    static func append(_ row: [PGValue?], to buffer: inout [UInt8]) {
        for (index, value) in row.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: "\t")) }
            guard let value else {
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(UInt8(ascii: "N"))
                continue
            }
            for byte in value.text.utf8 {
                switch byte {
                case UInt8(ascii: "\\"): buffer.append(contentsOf: [92, 92])
                case UInt8(ascii: "\t"): buffer.append(contentsOf: [92, UInt8(ascii: "t")])
                case UInt8(ascii: "\n"): buffer.append(contentsOf: [92, UInt8(ascii: "n")])
                case UInt8(ascii: "\r"): buffer.append(contentsOf: [92, UInt8(ascii: "r")])
                default: buffer.append(byte)
                }
            }
        }
        buffer.append(UInt8(ascii: "\n"))
    }
}
