/// Session tokens and generated passwords, from `SystemRandomNumberGenerator` (the kernel's
/// CSPRNG, getrandom(2), on Linux).
enum SessionToken {
    /// 256 random bits as 64 hex characters.
    static func generate() -> String {
        var rng = SystemRandomNumberGenerator()
        let hex = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(64)
        for _ in 0..<4 {
            var word: UInt64 = rng.next()
            for _ in 0..<16 {
                text.append(hex[Int(word & 0xF)])
                word >>= 4
            }
        }
        return text
    }

    /// A random password of `length` characters from an unambiguous alphabet (for first-start admins).
    static func password(length: Int = 20) -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var rng = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(rng.next(upperBound: UInt64(alphabet.count)))] })
    }
}
