import DomainFlowCore

extension HTTPFetchResult {
    /// The body as text to score: an HTML page's visible text, other bodies as UTF-8.
    public var text: String {
        PageText.isHTML(contentType: header("content-type"), body: body) ? PageText.visibleText(utf8: body)
            : String(decoding: body, as: UTF8.self)
    }
}
