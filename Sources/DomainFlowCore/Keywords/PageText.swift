import Foundation

/// The readable text of an HTML page, for keyword scoring: scripts, styles, comments and tags removed,
/// the common entities decoded, whitespace collapsed. Not a full HTML parser; good enough to keep
/// markup and code from matching keywords.
public enum PageText {
    private static let removals: [NSRegularExpression] = [
        #"<!--.*?-->"#, #"<script\b[^>]*>.*?</script\s*>"#, #"<style\b[^>]*>.*?</style\s*>"#, #"<noscript\b[^>]*>.*?</noscript\s*>"#,
    ].map { try! NSRegularExpression(pattern: $0, options: [.caseInsensitive, .dotMatchesLineSeparators]) }
    private static let tag = try! NSRegularExpression(pattern: #"<[^>]*>"#)
    private static let entities = ["&nbsp;": " ", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#39;": "'", "&apos;": "'", "&amp;": "&"]

    public static func visibleText(html: String) -> String {
        var text = html
        for expression in removals {
            text = expression.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: " ")
        }
        text = tag.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: " ")
        for (entity, character) in entities { text = text.replacingOccurrences(of: entity, with: character) }
        return text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
