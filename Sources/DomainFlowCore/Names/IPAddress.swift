import Foundation

/// IP address literals, as the system parses them (`inet_pton`): dotted-quad IPv4, and IPv6 without brackets.
public enum IPAddress {
    /// The four network-order bytes of an IPv4 literal, or nil if `text` is not one.
    public static func v4Bytes(_ text: String) -> [UInt8]? {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: address) { Array($0) }
    }

    /// The sixteen bytes of an IPv6 literal, or nil if `text` is not one.
    public static func v6Bytes(_ text: String) -> [UInt8]? {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: address) { Array($0) }
    }

    /// The canonical text of sixteen IPv6 bytes (RFC 5952: lower case, the longest zero run as `::`).
    public static func v6Text(_ bytes: ArraySlice<UInt8>) -> String? {
        guard bytes.count == 16 else { return nil }
        var address = in6_addr()
        withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes) }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &text, socklen_t(text.count)) != nil else { return nil }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `text` is an IPv4 or IPv6 literal (not a name).
    public static func isLiteral(_ text: String) -> Bool { v4Bytes(text) != nil || v6Bytes(text) != nil }
}
