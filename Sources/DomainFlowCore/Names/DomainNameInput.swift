import Foundation

/// One line of a user's list of domain names, read the way every upload reads it: trimmed, lower-cased,
/// IDNA-encoded, a final dot dropped; blank lines and `#` comments are skipped.
public enum DomainNameInput {
    public enum Line: Sendable, Equatable {
        /// A blank line or a comment.
        case skip
        /// A valid name in its ASCII form.
        case name(String)
        /// Not a domain name, and why.
        case invalid(String)
    }

    public static func read(_ line: String) -> Line {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return .skip }
        if trimmed.contains(where: { $0 == " " || $0 == "\t" }) { return .invalid("contains white space") }
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
