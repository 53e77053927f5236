/// The readable text of an HTML page, for keyword scoring: scripts, styles, noscript blocks, comments and tags
/// removed, the common entities decoded, whitespace collapsed. One pass over the page's UTF-8 bytes; not a full
/// HTML parser, good enough to keep markup and code from matching keywords.
public enum PageText {
    private static let entities: [(name: [UInt8], value: [UInt8])] = [
        ("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&apos;", "'"), ("&amp;", "&"),
    ].map { (Array($0.0.utf8), Array($0.1.utf8)) }
    /// Elements whose content is not text: their opening (`<script`) and closing (`</script`) tags, lower case.
    private static let rawTextElements: [(open: [UInt8], close: [UInt8])] = ["script", "style", "noscript"].map {
        (Array("<\($0)".utf8), Array("</\($0)".utf8))
    }
    private static let commentOpen = Array("<!--".utf8), commentClose = Array("-->".utf8)

    public static func visibleText(html: String) -> String {
        var html = html
        return html.withUTF8 { String(decoding: visibleText(bytes: $0), as: UTF8.self) }
    }

    /// The visible text of a page's UTF-8 bytes (a body as it came, no String made of it first).
    public static func visibleText(utf8 bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { String(decoding: visibleText(bytes: $0), as: UTF8.self) }
    }

    /// Whether a body is an HTML page: its media type (`Content-Type` without parameters) names html, in any case;
    /// without a content type, it looks like one. Byte-wise: no lower-cased copy, no generic collection search.
    public static func isHTML(contentType: String?, body: [UInt8]) -> Bool {
        guard let contentType, !contentType.isEmpty else { return looksLikeHTML(body) }
        let media = Array(contentType.utf8.prefix { $0 != UInt8(ascii: ";") })
        return ASCIISearch.find("html", in: media, from: 0) != nil
    }

    /// Whether a body without a content type looks like HTML: `<html` (any case) in its first 512 bytes.
    public static func looksLikeHTML(_ bytes: [UInt8]) -> Bool {
        ASCIISearch.find("<html", in: bytes, from: 0, to: 512) != nil
    }

    static func visibleText(bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        // The text so far and whether a space is due before the next byte. A struct with a mutating method, not
        // locals captured by a nested function: captured vars are boxed and every access to them checked at run
        // time for exclusivity (a third of this function's time).
        struct Output {
            var bytes: [UInt8] = []
            var pendingSpace = false
            mutating func emit(_ byte: UInt8) {
                if pendingSpace, !bytes.isEmpty { bytes.append(0x20) }
                pendingSpace = false
                bytes.append(byte)
            }
        }
        var output = Output()
        output.bytes.reserveCapacity(bytes.count / 2)
        func lower(_ byte: UInt8) -> UInt8 { ASCIISearch.lower(byte) }
        func hasPrefix(_ pattern: [UInt8], at index: Int) -> Bool {
            guard index + pattern.count <= bytes.count else { return false }
            for k in pattern.indices where lower(bytes[index + k]) != pattern[k] { return false }
            return true
        }
        func find(_ pattern: [UInt8], from index: Int) -> Int? {
            var at = index
            while at + pattern.count <= bytes.count {
                if hasPrefix(pattern, at: at) { return at }
                at += 1
            }
            return nil
        }
        func find(byte: UInt8, from index: Int) -> Int? {
            var at = index
            while at < bytes.count { if bytes[at] == byte { return at }; at += 1 }
            return nil
        }
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "<") {
                // Most tags are neither a comment (`<!`) nor a raw-text element (`<s`cript, `<s`tyle, `<n`oscript):
                // one look at the next byte spares them those comparisons.
                let next = i + 1 < bytes.count ? lower(bytes[i + 1]) : 0
                if next == UInt8(ascii: "!"), hasPrefix(Self.commentOpen, at: i), let end = find(Self.commentClose, from: i + 4) {
                    i = end + 3; output.pendingSpace = true; continue
                }
                if next == UInt8(ascii: "s") || next == UInt8(ascii: "n"), let element = rawTextElements.first(where: { element in
                    hasPrefix(element.open, at: i)
                        && (i + element.open.count == bytes.count || !isNameByte(lower(bytes[i + element.open.count])))
                }), let close = find(element.close, from: i + 1), let end = find(byte: UInt8(ascii: ">"), from: close) {
                    i = end + 1; output.pendingSpace = true; continue
                }
                if let end = find(byte: UInt8(ascii: ">"), from: i + 1) {
                    i = end + 1; output.pendingSpace = true; continue
                }
            } else if byte == UInt8(ascii: "&"), let entity = entities.first(where: { hasPrefix($0.name, at: i) }) {
                if entity.value == [0x20] { output.pendingSpace = true } else { for value in entity.value { output.emit(value) } }
                i += entity.name.count
                continue
            } else if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) {
                output.pendingSpace = true; i += 1; continue
            } else if byte == 0xC2, i + 1 < bytes.count, bytes[i + 1] == 0xA0 {  // U+00A0, no-break space
                output.pendingSpace = true; i += 2; continue
            }
            output.emit(byte)
            i += 1
        }
        return output.bytes
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) || byte == UInt8(ascii: "-")
    }
}
