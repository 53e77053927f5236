import DomainFlowStore

/// Why a stored proxy cannot be used by this server.
public enum StoredProxyProblem: Error, Sendable, Equatable {
    /// The stored protocol is none that DomainFlow speaks.
    case unknownProtocol(String)
    /// The proxy has a password and this server has no key to unseal it.
    case noKey
    /// The proxy's password does not unseal with this server's key.
    case cannotUnseal
}

extension ProxyEndpoint {
    /// The endpoint of a stored proxy (`proxies.protocol`: http, https, socks5, socks4), its password unsealed with
    /// `unseal` (nil: this server has no key).
    public init(_ access: ProxyAccess, unseal: ((String) throws -> String)?) throws(StoredProxyProblem) {
        let kind: Kind
        switch access.protocolName {
        case "http": kind = .http
        case "https": kind = .httpsConnect
        case "socks5": kind = .socks5
        case "socks4": kind = .socks4
        default: throw .unknownProtocol(access.protocolName)
        }
        var password = ""
        if let sealed = access.sealedPassword {
            guard let unseal else { throw .noKey }
            do { password = try unseal(sealed) } catch { throw .cannotUnseal }
        }
        self.init(kind: kind, host: access.host, port: access.port, username: access.username, password: password)
    }
}
