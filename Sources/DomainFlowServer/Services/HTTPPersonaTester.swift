import DomainFlowCore
import DomainFlowEngine
import DomainFlowWire
import Foundation

/// Fetches a URL with an HTTP persona's identity and limits: the real check behind `TestHttpPersona`.
enum HTTPPersonaTester {
    static func run(_ persona: HttpPersona, url: URL, proxy: ProxyEndpoint?) async -> TestHttpPersonaResponse {
        var response = TestHttpPersonaResponse()
        do {
            let result = try await HTTPFetcher.fetch(request(persona, url: url, proxy: proxy))
            response.statusCode = UInt32(result.status)
            response.reason = result.reason
            response.allowed = persona.allowedStatusCodes.isEmpty ? (200..<400).contains(result.status)
                : persona.allowedStatusCodes.contains(UInt32(result.status))
            response.finalURL = result.finalURL.absoluteString
            response.redirects = result.redirects.map(\.absoluteString)
            response.headers = result.headers.map { HTTPHeader(name: $0.name, value: $0.value) }
            response.bytesRead = UInt64(result.body.count)
            response.truncated = result.truncated
            response.millis = UInt32(clamping: result.elapsed.wholeMilliseconds)
        } catch {
            response.errorKind = error.kind.rawValue
            response.error = error.message
        }
        return response
    }

    /// The fetch a persona makes: User-Agent, Accept-Language and Accept-Encoding first (when set), then
    /// the persona's headers in their order; its timeout, redirect, body, TLS and cookie settings.
    static func request(_ persona: HttpPersona, url: URL, proxy: ProxyEndpoint?) -> HTTPFetchRequest {
        var headers: [HTTPField] = []
        if !persona.userAgent.isEmpty { headers.append(HTTPField("User-Agent", persona.userAgent)) }
        if !persona.acceptLanguage.isEmpty { headers.append(HTTPField("Accept-Language", persona.acceptLanguage)) }
        if !persona.acceptEncoding.isEmpty { headers.append(HTTPField("Accept-Encoding", persona.acceptEncoding)) }
        headers += persona.headers.map { HTTPField($0.name, $0.value) }
        return HTTPFetchRequest(url: url, headers: headers,
                                timeout: .milliseconds(Int(persona.timeoutMillis == 0 ? 10_000 : persona.timeoutMillis)),
                                followRedirects: persona.followRedirects, maxRedirects: Int(persona.maxRedirects),
                                maxBodyBytes: persona.maxBodyBytes == 0 ? 1 << 20 : Int(persona.maxBodyBytes),
                                verifyTLS: !persona.skipTLSVerification, keepCookies: persona.keepCookies, proxy: proxy)
    }
}
