import DomainFlowCore

extension HTTPFetchResult {
    /// The body as text to score: an HTML page's visible text, other bodies as UTF-8.
    public var text: String {
        let type = headers.first { $0.name.lowercased() == "content-type" }?.value.lowercased() ?? ""
        let isHTML = type.isEmpty ? PageText.looksLikeHTML(body) : type.utf8.split(separator: UInt8(ascii: ";")).first.map {
            Array($0).firstRange(of: Array("html".utf8)) != nil
        } ?? false
        return isHTML ? PageText.visibleText(utf8: body) : String(decoding: body, as: UTF8.self)
    }
}
