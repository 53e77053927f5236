/// The parameters of a domain-generation campaign as stored in `campaigns.parameters` (JSON),
/// with the start offset resolved at creation.
public struct GenerationSpec: Sendable, Equatable, Codable {
    public var patternType: PatternType
    public var prefixLength: Int
    public var suffixLength: Int
    public var characterSet: String
    public var constant: String
    public var tlds: [String]
    public var count: Int64
    public var startOffset: Int64

    public init(patternType: PatternType, prefixLength: Int, suffixLength: Int, characterSet: String, constant: String,
                tlds: [String], count: Int64, startOffset: Int64) {
        self.patternType = patternType
        self.prefixLength = prefixLength
        self.suffixLength = suffixLength
        self.characterSet = characterSet
        self.constant = constant
        self.tlds = tlds
        self.count = count
        self.startOffset = startOffset
    }

    enum CodingKeys: String, CodingKey {
        case patternType = "pattern_type", prefixLength = "prefix_length", suffixLength = "suffix_length"
        case characterSet = "character_set", constant, tlds, count, startOffset = "start_offset"
    }

    /// The validated pattern.
    public func pattern() throws(PatternError) -> GenerationPattern {
        try GenerationPattern(type: patternType, prefixLength: prefixLength, suffixLength: suffixLength,
                              characterSet: characterSet, constant: constant, tlds: tlds)
    }
}
