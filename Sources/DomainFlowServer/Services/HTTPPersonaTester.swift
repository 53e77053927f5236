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
            response.allowed = settings(persona).allows(result.status)
            response.finalURL = result.finalURL.absoluteString
            response.redirects = result.redirects.map(\.absoluteString)
            response.headers = result.headers.map { HttpHeader(name: $0.name, value: $0.value) }
            response.bytesRead = UInt64(result.body.count)
            response.truncated = result.truncated
            response.millis = UInt32(clamping: result.elapsed.wholeMilliseconds)
        } catch {
            response.errorKind = error.kind.rawValue
            response.error = error.message
        }
        return response
    }

    /// The persona as the engine applies it (the one place where a persona becomes a request).
    static func settings(_ p: HttpPersona) -> HTTPPersonaSettings {
        HTTPPersonaSettings(userAgent: p.userAgent, headers: p.headers.map { .init(name: $0.name, value: $0.value) },
                            acceptLanguage: p.acceptLanguage, acceptEncoding: p.acceptEncoding, timeoutMillis: p.timeoutMillis,
                            followRedirects: p.followRedirects, maxRedirects: p.maxRedirects, allowedStatusCodes: p.allowedStatusCodes,
                            maxBodyBytes: p.maxBodyBytes, skipTLSVerification: p.skipTLSVerification, allowHTTP2: p.allowHTTP2,
                            keepCookies: p.keepCookies, requestsPerSecond: p.requestsPerSecond)
    }

    static func request(_ persona: HttpPersona, url: URL, proxy: ProxyEndpoint?) -> HTTPFetchRequest {
        settings(persona).request(url, proxy: proxy)
    }
}
