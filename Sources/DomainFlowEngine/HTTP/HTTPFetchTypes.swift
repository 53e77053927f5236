import DomainFlowCore
import Foundation

/// A proxy to send a fetch through, with its credentials in the clear (unsealed by the caller).
public struct ProxyEndpoint: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A plain HTTP proxy: `http://` requests in absolute form, `https://` through CONNECT.
        case http
        /// An HTTP proxy used only through CONNECT tunnels.
        case httpsConnect
        case socks5
        case socks4
    }

    public var kind: Kind
    public var host: String
    public var port: Int
    public var username: String
    public var password: String

    public init(kind: Kind, host: String, port: Int, username: String = "", password: String = "") {
        self.kind = kind; self.host = host; self.port = port; self.username = username; self.password = password
    }
}

/// One header, in the order it is sent or was received.
public struct HTTPField: Sendable, Equatable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) { self.name = name; self.value = value }
}

/// What to fetch and how: the parts of an HTTP persona the fetcher applies.
public struct HTTPFetchRequest: Sendable {
    public var url: URL
    /// Sent after `Host`, in this order.
    public var headers: [HTTPField]
    /// For the whole fetch, redirects included.
    public var timeout: Duration
    public var followRedirects: Bool
    public var maxRedirects: Int
    /// Body bytes read at most; the rest is not downloaded.
    public var maxBodyBytes: Int
    public var verifyTLS: Bool
    /// Sends cookies set by earlier responses of the same fetch (across redirects) back to their host.
    public var keepCookies: Bool
    public var proxy: ProxyEndpoint?
    /// Addresses to connect to by host name (lower case), instead of a lookup: the answers a DNS campaign stored.
    /// The Host header and TLS SNI stay the name; through a proxy the tunnel (CONNECT or SOCKS) goes to the
    /// address, plain HTTP included, unless `proxyResolves`.
    public var addresses: [String: String] = [:]
    /// Let the proxy resolve names itself (for proxies chosen for where they are).
    public var proxyResolves = false
    /// Offer HTTP/2 (ALPN `h2`) on TLS connections; the server may still choose HTTP/1.1.
    public var allowHTTP2 = false

    public init(url: URL, headers: [HTTPField] = [], timeout: Duration = .seconds(10), followRedirects: Bool = false,
                maxRedirects: Int = 5, maxBodyBytes: Int = 1 << 20, verifyTLS: Bool = true, keepCookies: Bool = false,
                proxy: ProxyEndpoint? = nil, addresses: [String: String] = [:], proxyResolves: Bool = false) {
        self.url = url; self.headers = headers; self.timeout = timeout; self.followRedirects = followRedirects
        self.maxRedirects = maxRedirects; self.maxBodyBytes = maxBodyBytes; self.verifyTLS = verifyTLS
        self.keepCookies = keepCookies; self.proxy = proxy; self.addresses = addresses; self.proxyResolves = proxyResolves
    }
}

/// The last response of a fetch.
public struct HTTPFetchResult: Sendable {
    public var status: Int
    public var reason: String
    /// The URL that gave this response, after any redirects.
    public var finalURL: URL
    /// Every URL that redirected, in order.
    public var redirects: [URL]
    public var headers: [HTTPField]
    public var body: [UInt8]
    /// Whether the body was longer than `maxBodyBytes` and cut there.
    public var truncated: Bool
    public var elapsed: Duration
    /// The response's HTTP version, e.g. "HTTP/1.1".
    public var httpVersion: String = "HTTP/1.1"

    /// The first value of header `name` (lower-case ASCII), matched in any case without a lower-cased copy of
    /// every header's name.
    public func header(_ name: String) -> String? {
        headers.first { ASCIISearch.equalsIgnoringCase($0.name, name) }?.value
    }
}

/// Why a fetch got no response.
public struct HTTPFetchError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case invalidURL = "invalid_url"
        case connect = "connect"
        case proxy = "proxy"
        case proxyAuthentication = "proxy_authentication"
        case tls = "tls"
        case timeout = "timeout"
        case protocolError = "protocol"
        case tooManyRedirects = "too_many_redirects"
    }

    public var kind: Kind
    public var message: String
    public init(_ kind: Kind, _ message: String) { self.kind = kind; self.message = message }
    public var description: String { "\(kind.rawValue): \(message)" }

    /// A system call's failure (`errno`) on the way to the server.
    init(systemError code: Int32) {
        self.init(.connect, String(cString: strerror(code)).lowercased())
    }

    /// A response that is not HTTP, or not valid HTTP.
    init(invalidResponse reason: String) {
        self.init(.protocolError, "not a valid HTTP response: \(reason)")
    }

    init(handshake error: ProxyHandshakeError) {
        switch error {
        case .authenticationRequired: self.init(.proxyAuthentication, error.description)
        case .targetUnreachable: self.init(.connect, error.description)
        default: self.init(.proxy, error.description)
        }
    }
}
