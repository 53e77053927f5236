/// Where the variable characters go around the constant.
public enum PatternType: String, Sendable, Codable, CaseIterable {
    case prefix, suffix, both
}

/// A validated, normalised domain-generation pattern.
///
/// The name at offset `o` is a pure function of the pattern: with `T` TLDs, the label
/// index is `o / T` and the TLD is `tlds[o % T]` (each label is tried on every TLD, in the
/// given order, before the next label). The label index, written in base `N` over the
/// character set (in its given order) with the fastest-changing position last, fills the
/// variable positions: prefix digits first, then suffix digits.
public struct GenerationPattern: Sendable, Equatable {
    public let type: PatternType
    public let prefixLength: Int
    public let suffixLength: Int
    /// Deduplicated (first occurrence kept), lower-cased.
    public let characterSet: [Character]
    public let constant: String
    /// Lower-cased, each with its leading dot.
    public let tlds: [String]

    /// Exact number of names the pattern spans.
    public let totalCombinations: Int64

    /// Validates and normalises; throws `PatternError` naming the field.
    public init(type: PatternType, prefixLength: Int, suffixLength: Int, characterSet: String,
                constant: String, tlds: [String]) throws(PatternError) {
        var seen = Set<Character>()
        var characters: [Character] = []
        for character in characterSet.lowercased() where seen.insert(character).inserted {
            guard character.isLetter || character.isNumber || character == "-" else {
                throw PatternError(field: "character_set", "'\(character)' cannot appear in a hostname")
            }
            characters.append(character)
        }
        guard !characters.isEmpty else { throw PatternError(field: "character_set", "must not be empty") }
        guard characters.contains(where: { $0 != "-" }) else {
            throw PatternError(field: "character_set", "a hyphen alone can only make invalid names (labels cannot start or end with '-')")
        }
        let usesPrefix = type != .suffix, usesSuffix = type != .prefix
        guard !usesPrefix || prefixLength >= 1 else { throw PatternError(field: "prefix_length", "must be at least 1 for a \(type.rawValue) pattern") }
        guard !usesSuffix || suffixLength >= 1 else { throw PatternError(field: "suffix_length", "must be at least 1 for a \(type.rawValue) pattern") }
        guard prefixLength >= 0, suffixLength >= 0 else { throw PatternError(field: "prefix_length", "must not be negative") }
        let constant = constant.lowercased()
        for character in constant where !(character.isLetter || character.isNumber || character == "-") {
            throw PatternError(field: "constant", "'\(character)' cannot appear in a hostname")
        }
        guard !tlds.isEmpty else { throw PatternError(field: "tlds", "at least one TLD is needed") }
        var normalisedTLDs: [String] = []
        for tld in tlds {
            let lower = tld.lowercased()
            guard lower.hasPrefix(".") else { throw PatternError(field: "tlds", "'\(tld)' must start with a dot, e.g. '.com'") }
            let labels = lower.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
            let ascii = labels.map { Hostname.asciiLabel(String($0)) }
            guard ascii.allSatisfy({ $0.map { Hostname.isValidLabel(Substring($0)) } ?? false }) else {
                throw PatternError(field: "tlds", "'\(tld)' is not a valid TLD")
            }
            let normalised = "." + ascii.map { $0! }.joined(separator: ".")
            guard !normalisedTLDs.contains(normalised) else { throw PatternError(field: "tlds", "'\(tld)' is listed twice") }
            normalisedTLDs.append(normalised)
        }
        let variableLength = (usesPrefix ? prefixLength : 0) + (usesSuffix ? suffixLength : 0)
        // The shortest possible label (all-ASCII) must fit; Punycode only lengthens it.
        let shortestLabel = variableLength + constant.count
        guard shortestLabel <= Hostname.maxLabelLength else {
            throw PatternError(field: usesPrefix ? "prefix_length" : "suffix_length",
                               "names would be \(shortestLabel) characters before the TLD; a label holds at most 63")
        }
        let longestTLD = normalisedTLDs.map(\.count).max()!
        guard shortestLabel + longestTLD <= Hostname.maxLength else {
            throw PatternError(field: "constant", "names would be longer than 253 characters")
        }
        var total: Int64 = 1
        for _ in 0..<variableLength {
            let (product, overflow) = total.multipliedReportingOverflow(by: Int64(characters.count))
            guard !overflow else {
                throw PatternError(field: "prefix_length", "the pattern has more than 9.2×10^18 combinations; use shorter variable parts")
            }
            total = product
        }
        let (withTLDs, overflow) = total.multipliedReportingOverflow(by: Int64(normalisedTLDs.count))
        guard !overflow else { throw PatternError(field: "tlds", "the pattern has more than 9.2×10^18 combinations") }

        self.type = type
        self.prefixLength = usesPrefix ? prefixLength : 0
        self.suffixLength = usesSuffix ? suffixLength : 0
        self.characterSet = characters
        self.constant = constant
        self.tlds = normalisedTLDs
        self.totalCombinations = withTLDs
    }

    /// A key equal for two patterns exactly when they generate the same sequence.
    public var normalisedKey: String {
        "v1|\(type.rawValue)|\(prefixLength)|\(suffixLength)|\(String(characterSet))|\(constant)|\(tlds.joined(separator: ","))"
    }

    /// The candidate at `offset` (0 ≤ offset < totalCombinations): its hostname, or nil when
    /// that combination is not a valid hostname (e.g. a hyphen at a label's end).
    public func name(at offset: Int64) -> String? {
        precondition(offset >= 0 && offset < totalCombinations, "offset out of range")
        let tldCount = Int64(tlds.count)
        var index = offset / tldCount
        let tld = tlds[Int(offset % tldCount)]
        let base = Int64(characterSet.count)
        var digits = [Character](repeating: characterSet[0], count: prefixLength + suffixLength)
        var position = digits.count - 1
        while position >= 0 {
            digits[position] = characterSet[Int(index % base)]
            index /= base
            position -= 1
        }
        let label = String(digits[0..<prefixLength]) + constant + String(digits[prefixLength...])
        guard let ascii = Hostname.asciiLabel(label), Hostname.isValidLabel(Substring(ascii)) else { return nil }
        let name = ascii + tld
        return name.utf8.count <= Hostname.maxLength ? name : nil
    }
}

/// A pattern field that cannot be used, and why.
public struct PatternError: Error, Sendable, Equatable, CustomStringConvertible {
    public let field: String
    public let reason: String
    public init(field: String, _ reason: String) {
        self.field = field
        self.reason = reason
    }
    public var description: String { "\(field): \(reason)" }
}
