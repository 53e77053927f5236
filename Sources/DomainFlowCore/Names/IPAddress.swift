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

    /// Whether `text` is an IPv4 or IPv6 literal (not a name).
    public static func isLiteral(_ text: String) -> Bool { v4Bytes(text) != nil || v6Bytes(text) != nil }
}
