/// Hostname rules: labels of 1–63 letters, digits and hyphens, no hyphen at either end,
/// at most 253 characters in all, lower case; a non-ASCII label is stored as its IDNA
/// (Punycode) A-label `xn--…`.
public enum Hostname {
    public static let maxLabelLength = 63
    public static let maxLength = 253

    /// Whether `label` (already lower case ASCII) is a valid hostname label.
    public static func isValidLabel(_ label: Substring) -> Bool {
        guard !label.isEmpty, label.utf8.count <= maxLabelLength,
              label.utf8.first != UInt8(ascii: "-"), label.utf8.last != UInt8(ascii: "-") else { return false }
        return label.utf8.allSatisfy(isLabelByte)
    }

    public static func isLabelByte(_ byte: UInt8) -> Bool {
        (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) || byte == 45
    }

    /// The ASCII form of a label: lower-cased; Punycode `xn--` for a label with non-ASCII
    /// characters; nil if it cannot be a label at all.
    public static func asciiLabel(_ label: String) -> String? {
        let lower = label.lowercased()
        if lower.unicodeScalars.allSatisfy(\.isASCII) { return lower }
        guard let encoded = Punycode.encode(lower) else { return nil }
        return "xn--" + encoded
    }

    /// The ASCII (IDNA) form of a whole name, lower-cased, without a trailing dot; nil if it is not a hostname.
    public static func asciiName(_ name: String) -> String? {
        let trimmed = name.hasSuffix(".") ? String(name.dropLast()) : name
        let labels = trimmed.split(separator: ".", omittingEmptySubsequences: false).map { asciiLabel(String($0)) }
        guard labels.allSatisfy({ $0 != nil }) else { return nil }
        let ascii = labels.map { $0! }.joined(separator: ".")
        return isValid(ascii) ? ascii : nil
    }

    /// Whether `name` (ASCII) is a valid hostname.
    public static func isValid(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= maxLength else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isValidLabel)
    }
}
