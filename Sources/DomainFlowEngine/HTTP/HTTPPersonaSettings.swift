import DomainFlowCore
import Foundation

/// An HTTP persona as the fetcher applies it: the one place where a persona becomes a request, for
/// campaigns and for `TestHttpPersona` alike. User-Agent, Accept-Language and Accept-Encoding go first
/// (when set), then the persona's headers in their order.
public struct HTTPPersonaSettings: Sendable, Decodable {
    public struct Header: Sendable, Decodable {
        public var name: String
        public var value: String
        public init(name: String, value: String) { self.name = name; self.value = value }
    }

    public var userAgent = ""
    public var headers: [Header] = []
    public var acceptLanguage = ""
    public var acceptEncoding = ""
    public var timeoutMillis: UInt32 = 10_000
    public var followRedirects = false
    public var maxRedirects: UInt32 = 5
    public var allowedStatusCodes: [UInt32] = []
    public var maxBodyBytes: UInt64 = 1 << 20
    public var skipTLSVerification = false
    public var allowHTTP2 = false
    public var keepCookies = false
    public var requestsPerSecond: UInt32 = 0

    public init(userAgent: String = "", headers: [Header] = [], acceptLanguage: String = "", acceptEncoding: String = "",
                timeoutMillis: UInt32 = 10_000, followRedirects: Bool = false, maxRedirects: UInt32 = 5,
                allowedStatusCodes: [UInt32] = [], maxBodyBytes: UInt64 = 1 << 20, skipTLSVerification: Bool = false,
                allowHTTP2: Bool = false, keepCookies: Bool = false, requestsPerSecond: UInt32 = 0) {
        self.userAgent = userAgent; self.headers = headers; self.acceptLanguage = acceptLanguage
        self.acceptEncoding = acceptEncoding; self.timeoutMillis = timeoutMillis; self.followRedirects = followRedirects
        self.maxRedirects = maxRedirects; self.allowedStatusCodes = allowedStatusCodes; self.maxBodyBytes = maxBodyBytes
        self.skipTLSVerification = skipTLSVerification; self.allowHTTP2 = allowHTTP2; self.keepCookies = keepCookies
        self.requestsPerSecond = requestsPerSecond
    }

    private enum CodingKeys: String, CodingKey {
        case userAgent, headers, acceptLanguage, acceptEncoding, timeoutMillis, followRedirects, maxRedirects, allowedStatusCodes,
             maxBodyBytes, skipTLSVerification, allowHTTP2, keepCookies, requestsPerSecond
    }

    /// Reads the stored configuration (`personas.config`), absent fields at their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        userAgent = try c.decodeIfPresent(String.self, forKey: .userAgent) ?? ""
        headers = try c.decodeIfPresent([Header].self, forKey: .headers) ?? []
        acceptLanguage = try c.decodeIfPresent(String.self, forKey: .acceptLanguage) ?? ""
        acceptEncoding = try c.decodeIfPresent(String.self, forKey: .acceptEncoding) ?? ""
        timeoutMillis = try c.decodeIfPresent(UInt32.self, forKey: .timeoutMillis) ?? 10_000
        followRedirects = try c.decodeIfPresent(Bool.self, forKey: .followRedirects) ?? false
        maxRedirects = try c.decodeIfPresent(UInt32.self, forKey: .maxRedirects) ?? 5
        allowedStatusCodes = try c.decodeIfPresent([UInt32].self, forKey: .allowedStatusCodes) ?? []
        maxBodyBytes = try c.decodeIfPresent(UInt64.self, forKey: .maxBodyBytes) ?? 1 << 20
        skipTLSVerification = try c.decodeIfPresent(Bool.self, forKey: .skipTLSVerification) ?? false
        allowHTTP2 = try c.decodeIfPresent(Bool.self, forKey: .allowHTTP2) ?? false
        keepCookies = try c.decodeIfPresent(Bool.self, forKey: .keepCookies) ?? false
        requestsPerSecond = try c.decodeIfPresent(UInt32.self, forKey: .requestsPerSecond) ?? 0
    }

    /// Whether a response status counts as a page (the persona's allowed codes; without any, 200-399).
    public func allows(_ status: Int) -> Bool {
        allowedStatusCodes.isEmpty ? (200..<400).contains(status) : allowedStatusCodes.contains(UInt32(clamping: status))
    }

    /// The fetch this persona makes of `url`.
    public func request(_ url: URL, proxy: ProxyEndpoint? = nil, addresses: [String: String] = [:],
                        proxyResolves: Bool = false) -> HTTPFetchRequest {
        var fields: [HTTPField] = []
        if !userAgent.isEmpty { fields.append(HTTPField("User-Agent", userAgent)) }
        if !acceptLanguage.isEmpty { fields.append(HTTPField("Accept-Language", acceptLanguage)) }
        if !acceptEncoding.isEmpty { fields.append(HTTPField("Accept-Encoding", acceptEncoding)) }
        fields += headers.map { HTTPField($0.name, $0.value) }
        var request = HTTPFetchRequest(url: url, headers: fields, timeout: .milliseconds(Int(timeoutMillis == 0 ? 10_000 : timeoutMillis)),
                                       followRedirects: followRedirects, maxRedirects: Int(maxRedirects),
                                       maxBodyBytes: maxBodyBytes == 0 ? 1 << 20 : Int(maxBodyBytes), verifyTLS: !skipTLSVerification,
                                       keepCookies: keepCookies, proxy: proxy, addresses: addresses, proxyResolves: proxyResolves)
        request.allowHTTP2 = allowHTTP2
        return request
    }
}
