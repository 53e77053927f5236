import CCrypt
import Foundation

/// bcrypt password hashes through the system's libxcrypt (`crypt_gensalt_rn`, `crypt_r`).
/// Hashing is deliberately slow (cost 12 ≈ a quarter second): call it off the event loop
/// and the cooperative pool (`Authenticator` runs it on a thread pool).
public struct PasswordHasher: Sendable {
    /// The bcrypt cost (log2 of rounds); 12 is the seed's choice.
    public let cost: Int

    public init(cost: Int = 12) {
        self.cost = cost
    }

    /// A new `$2b$` hash of `password` with a fresh random salt.
    public func hash(_ password: String) throws -> String {
        var setting = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
        guard crypt_gensalt_rn("$2b$", UInt(cost), nil, 0, &setting, Int32(setting.count)) != nil else {
            throw HasherError("cannot make a bcrypt salt: errno \(errno)")
        }
        return try crypt(password, setting: String(decoding: setting.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// Whether `password` matches `storedHash`, compared in constant time.
    public func verify(_ password: String, against storedHash: String) -> Bool {
        guard let computed = try? crypt(password, setting: storedHash) else { return false }
        let a = Array(computed.utf8), b = Array(storedHash.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<a.count { difference |= a[i] ^ b[i] }
        return difference == 0
    }

    private func crypt(_ password: String, setting: String) throws -> String {
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer {
            memset(data, 0, MemoryLayout<crypt_data>.size)  // the state held the password
            data.deallocate()
        }
        memset(data, 0, MemoryLayout<crypt_data>.size)
        guard let result = crypt_r(password, setting, data), result.pointee != UInt8(ascii: "*") else {
            throw HasherError("crypt_r failed for this setting")
        }
        return String(cString: result)
    }

    struct HasherError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
