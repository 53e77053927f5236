import Foundation

/// One line of a user's list of domain names, read the way every upload reads it: trimmed, lower-cased,
/// IDNA-encoded, a final dot dropped; blank lines and `#` comments are skipped.
public enum DomainNameInput {
    public enum Line: Sendable, Equatable {
        /// A blank line or a comment.
        case skip
        /// A valid name in its ASCII form.
        case name(String)
        /// An `http://` or `https://` URL (lists for HTTP campaigns): its host's ASCII name and the URL to fetch.
        case url(name: String, url: String)
        /// Not a domain name, and why.
        case invalid(String)
    }

    /// Reads one line; with `urls`, `http://` and `https://` URLs are taken too.
    public static func read(_ line: String, urls: Bool = false) -> Line {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return .skip }
        if trimmed.contains(where: { $0 == " " || $0 == "\t" }) { return .invalid("contains white space") }
        if urls, let separator = trimmed.range(of: "://") {
            let scheme = trimmed[..<separator.lowerBound].lowercased()
            guard scheme == "http" || scheme == "https" else { return .invalid("a \(scheme):// URL; only http and https are fetched") }
            guard let url = URL(string: trimmed), let host = url.host, !host.isEmpty else { return .invalid("not a valid URL") }
            guard case .name(let name) = read(host) else { return .invalid("the URL's host '\(host)' is not a domain name") }
            return .url(name: name, url: url.absoluteString)
        }
        if trimmed.contains("://") || trimmed.contains("/") { return .invalid("a URL or path, not a domain name") }
        guard let ascii = Hostname.asciiName(trimmed) else {
            let bare = trimmed.hasSuffix(".") ? String(trimmed.dropLast()) : trimmed
            if bare.utf8.count > Hostname.maxLength { return .invalid("longer than \(Hostname.maxLength) characters") }
            if bare.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) { return .invalid("an empty label") }
            return .invalid("not a valid host name (labels of letters, digits and inner hyphens, at most 63 each)")
        }
        guard ascii.contains(".") else { return .invalid("a single label, not a domain name") }
        return .name(ascii)
    }
}
