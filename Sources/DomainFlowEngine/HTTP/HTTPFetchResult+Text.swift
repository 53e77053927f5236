import DomainFlowCore

extension HTTPFetchResult {
    /// The body as text to score: an HTML page's visible text, other bodies as UTF-8.
    public var text: String {
        let type = header("content-type")?.lowercased() ?? ""
        let media = type.utf8.prefix { $0 != UInt8(ascii: ";") }  // the media type, without its parameters
        let isHTML = type.isEmpty ? PageText.looksLikeHTML(body) : media.firstRange(of: "html".utf8) != nil
        return isHTML ? PageText.visibleText(utf8: body) : String(decoding: body, as: UTF8.self)
    }
}
