extension Unicode.Scalar {
    /// Whether this is white space (Unicode's White_Space property), answered without the property table for
    /// ASCII: the scorer and the parked detector ask it of every character of a page.
    var isSpace: Bool {
        if value < 0x80 { return value == 0x20 || (value >= 0x09 && value <= 0x0D) }
        return properties.isWhitespace
    }
}
