import DomainFlowCore

extension HTTPFetchResult {
    /// The body as text to score: an HTML page's visible text, other bodies as UTF-8.
    public var text: String {
        let body = String(decoding: body, as: UTF8.self)
        let type = headers.first { $0.name.lowercased() == "content-type" }?.value.lowercased() ?? ""
        let looksLikeHTML = type.contains("html") || (type.isEmpty && body.prefix(512).lowercased().contains("<html"))
        return looksLikeHTML ? PageText.visibleText(html: body) : body
    }
}
