/// `host[:port]` for a resolver: IPv4, IPv6, or `[IPv6]:port`; port 53 when omitted.
public enum ResolverAddress {
    /// The host and port of `text`, or nil when it is not an IP literal with an optional port.
    public static func parse(_ text: String) -> (host: String, port: Int)? {
        var host = text, port = 53
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.first == ":", let p = Int(rest.dropFirst()) else { return nil }
                port = p
            }
            guard IPAddress.v6Bytes(host) != nil else { return nil }
        } else if text.filter({ $0 == ":" }).count == 1 {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let p = Int(parts[1]) else { return nil }
            host = String(parts[0])
            port = p
            guard IPAddress.v4Bytes(host) != nil else { return nil }
        } else {
            guard IPAddress.v4Bytes(host) != nil || IPAddress.v6Bytes(host) != nil else { return nil }
        }
        return (1...65535).contains(port) ? (host, port) : nil
    }
}
