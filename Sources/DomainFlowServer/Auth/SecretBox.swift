import Crypto
import Glibc
import Foundation

/// Encrypts secrets the server must be able to use again (proxy passwords) with AES-256-GCM
/// under a server-held key: `DOMAINFLOW_SECRET_KEY` (base64 of 32 bytes), or a key file made
/// on first start with mode 0600. Ciphertexts are `v1:` + base64(nonce | ciphertext | tag).
public struct SecretBox: Sendable {
    /// The key's bytes (SymmetricKey itself is not Sendable).
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    public init(key: SymmetricKey) {
        keyBytes = key.withUnsafeBytes { Array($0) }
    }

    /// A fresh random key (tests).
    public static func random() -> SecretBox { SecretBox(key: SymmetricKey(size: .bits256)) }

    /// The key from `DOMAINFLOW_SECRET_KEY`, else from `keyFile` (created 0600 with a random key if missing).
    public static func load(keyFile: String) throws -> SecretBox {
        if let text = ProcessInfo.processInfo.environment["DOMAINFLOW_SECRET_KEY"], !text.isEmpty {
            guard let data = Data(base64Encoded: text), data.count == 32 else {
                throw SecretError("DOMAINFLOW_SECRET_KEY must be the base64 of 32 bytes")
            }
            return SecretBox(key: SymmetricKey(data: data))
        }
        if let data = FileManager.default.contents(atPath: keyFile) {
            guard data.count == 32 else { throw SecretError("\(keyFile) must hold exactly 32 bytes") }
            var info = stat()
            if stat(keyFile, &info) == 0, info.st_mode & 0o077 != 0 {
                throw SecretError("\(keyFile) is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 600 it")
            }
            return SecretBox(key: SymmetricKey(data: data))
        }
        let directory = (keyFile as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let key = SymmetricKey(size: .bits256)
        let bytes = key.withUnsafeBytes { Array($0) }
        let fd = Glibc.open(keyFile, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw SecretError("cannot create \(keyFile): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard write(fd, bytes, bytes.count) == bytes.count else { throw SecretError("cannot write \(keyFile)") }
        return SecretBox(key: key)
    }

    public func seal(_ plaintext: String) throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: key)
        guard let combined = box.combined else { throw SecretError("cannot seal") }
        return "v1:" + combined.base64EncodedString()
    }

    public func open(_ sealed: String) throws -> String {
        guard sealed.hasPrefix("v1:"), let data = Data(base64Encoded: String(sealed.dropFirst(3))) else {
            throw SecretError("not a sealed secret")
        }
        let plaintext = try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: key)
        return String(decoding: plaintext, as: UTF8.self)
    }

    struct SecretError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
