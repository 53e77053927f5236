import DomainFlowCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix
import NIOSSL

/// Fetches a URL over HTTP/1.1, directly or through an HTTP, CONNECT, SOCKS5 or SOCKS4 proxy, with
/// TLS for `https://`, following redirects if asked, decoding gzip and deflate bodies, reading at most a
/// bounded number of body bytes, all within one deadline. One connection per request (`Connection: close`).
public enum HTTPFetcher {
    public static func fetch(_ request: HTTPFetchRequest,
                             on group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws(HTTPFetchError) -> HTTPFetchResult {
        let start = ContinuousClock.now
        let deadline = start + request.timeout
        var url = request.url
        var redirects: [URL] = []
        var cookies = CookieJar()
        while true {
            let response = try await fetchOnce(url, request, cookies: cookies, deadline: deadline, group: group)
            if request.keepCookies { cookies.store(response.head.headers["Set-Cookie"], host: url.host ?? "") }
            let status = Int(response.head.status.code)
            if request.followRedirects, [301, 302, 303, 307, 308].contains(status),
               let location = response.head.headers.first(name: "Location"),
               let next = URL(string: location, relativeTo: url)?.absoluteURL {
                guard redirects.count < request.maxRedirects else {
                    throw HTTPFetchError(.tooManyRedirects, "more than \(request.maxRedirects) redirects (the last to \(next.absoluteString))")
                }
                redirects.append(url)
                url = next
                continue
            }
            return HTTPFetchResult(status: status, reason: response.head.status.reasonPhrase, finalURL: url, redirects: redirects,
                                   headers: response.head.headers.map { HTTPField($0.name, $0.value) }, body: response.body,
                                   truncated: response.truncated, elapsed: ContinuousClock.now - start,
                                   httpVersion: "HTTP/\(response.head.version.major).\(response.head.version.minor)")
        }
    }

    /// One request and its response on a new connection.
    private static func fetchOnce(_ url: URL, _ request: HTTPFetchRequest, cookies: CookieJar,
                                  deadline: ContinuousClock.Instant, group: any EventLoopGroup) async throws(HTTPFetchError) -> CollectedResponse {
        let target = try Target(url)
        let proxy = request.proxy
        // The stored address of this host, if the caller gave one (no lookup); the proxy's own lookup if it is to resolve.
        let address = request.addresses[target.host.lowercased()].flatMap { proxy != nil && request.proxyResolves ? nil : $0 }
        let remaining = deadline - ContinuousClock.now
        guard remaining > .zero else { throw HTTPFetchError(.timeout, "no time left for \(url.absoluteString)") }

        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.nanoseconds(remaining.wholeNanoseconds))
                .connect(host: proxy?.host ?? address ?? target.host, port: proxy?.port ?? target.port).get()
        } catch {
            let failure = describe(error)
            throw failure.kind == .timeout ? failure
                : HTTPFetchError(.connect, (proxy.map { "proxy \($0.host):\($0.port): " } ?? "") + failure.message)
        }
        let loop = channel.eventLoop
        let tunnelOpen = loop.makePromise(of: Void.self)
        let responded = loop.makePromise(of: CollectedResponse.self)
        let timer = loop.scheduleTask(in: .nanoseconds((deadline - ContinuousClock.now).wholeNanoseconds)) {
            let timeout = HTTPFetchError(.timeout, "no complete response within the timeout")
            tunnelOpen.fail(timeout)
            responded.fail(timeout)
            channel.close(promise: nil)
        }
        defer {
            timer.cancel()
            // Whatever way this ends, both promises end too (a second completion is ignored).
            tunnelOpen.succeed()
            responded.fail(HTTPFetchError(.protocolError, "the fetch ended before a response"))
            channel.close(promise: nil)
        }

        do {
            if let handshake = tunnel(for: target, address: address, through: proxy) {
                try await loop.submit {
                    try channel.pipeline.syncOperations.addHandler(ProxyHandshakeHandler(handshake, tunnelOpen: tunnelOpen))
                }.get()
                try await tunnelOpen.futureResult.get()
            }
            let context = target.isTLS ? try TLSContexts.context(verify: request.verifyTLS) : nil
            let head = requestHead(target, request, cookies: cookies, tunnelled: address != nil)
            try await loop.submit {
                let pipeline = channel.pipeline.syncOperations
                if let context {
                    let sniName = IPAddress.isLiteral(target.host) ? nil : target.host  // SNI carries names only
                    try pipeline.addHandler(try NIOSSLClientHandler(context: context, serverHostname: sniName))
                }
                try pipeline.addHTTPClientHandlers()
                // gzip / deflate bodies (when the persona asks for them) are decoded, so limits and scoring see the text.
                try pipeline.addHandler(NIOHTTPResponseDecompressor(limit: .ratio(1000)))
                try pipeline.addHandler(HTTPResponseCollector(maxBodyBytes: request.maxBodyBytes, done: responded))
                channel.write(HTTPClientRequestPart.head(head), promise: nil)
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            }.get()
            return try await responded.futureResult.get()
        } catch let error as HTTPFetchError {
            throw error
        } catch {
            throw describe(error)
        }
    }

    /// The handshake that opens a tunnel to the target (its stored address when there is one) through the proxy,
    /// if one is needed: plain HTTP to a name goes to an HTTP proxy in absolute form, to an address through CONNECT.
    private static func tunnel(for target: Target, address: String?, through proxy: ProxyEndpoint?) -> ProxyHandshake? {
        guard let proxy else { return nil }
        let kind: ProxyHandshake.Kind
        switch proxy.kind {
        case .http where !target.isTLS && address == nil: return nil   // absolute-form request straight to the proxy
        case .http, .httpsConnect: kind = .httpConnect
        case .socks5: kind = .socks5
        case .socks4: kind = .socks4
        }
        return ProxyHandshake(kind: kind, targetHost: address ?? target.host, targetPort: target.port,
                              username: proxy.username, password: proxy.password)
    }

    private static func requestHead(_ target: Target, _ request: HTTPFetchRequest, cookies: CookieJar, tunnelled: Bool) -> HTTPRequestHead {
        let viaPlainProxy = request.proxy?.kind == .http && !target.isTLS && !tunnelled
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: target.authority)
        for field in request.headers where !["host", "connection", "proxy-authorization"].contains(field.name.lowercased()) {
            headers.add(name: field.name, value: field.value)
        }
        if let cookie = cookies.header(host: target.host) { headers.add(name: "Cookie", value: cookie) }
        if viaPlainProxy, let proxy = request.proxy, !proxy.username.isEmpty {
            headers.add(name: "Proxy-Authorization", value: ProxyHandshake.basicCredentials(username: proxy.username, password: proxy.password))
        }
        headers.add(name: "Connection", value: "close")
        return HTTPRequestHead(version: .http1_1, method: .GET, uri: viaPlainProxy ? target.absolute : target.pathAndQuery,
                               headers: headers)
    }

    /// A readable `HTTPFetchError` for an error from NIO, NIOSSL or the system.
    static func describe(_ error: any Error) -> HTTPFetchError {
        switch error {
        case let error as HTTPFetchError: return error
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first { return describe(first.error) }
            if let dns = error.dnsAError ?? error.dnsAAAAError { return HTTPFetchError(.connect, "cannot resolve \(error.host): \(dns)") }
            return HTTPFetchError(.connect, "cannot connect to \(error.host):\(error.port)")
        case let error as IOError:
            return HTTPFetchError(.connect, String(cString: strerror(error.errnoCode)).lowercased())
        case ChannelError.connectTimeout:
            return HTTPFetchError(.timeout, "connecting took longer than the timeout")
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            return HTTPFetchError(.tls, tlsReason("\(error)"))
        case let error as HTTPParserError:
            return HTTPFetchError(.protocolError, "not a valid HTTP response: \(error)")
        default:
            return HTTPFetchError(.protocolError, "\(error)")
        }
    }
}

/// A TLS failure in words: BoringSSL's reason code without its source paths and numbers.
func tlsReason(_ text: String) -> String {
    if text.contains("CERTIFICATE_VERIFY_FAILED") {
        return "the server's certificate did not verify (self-signed, expired or from an untrusted issuer); a persona can skip verification"
    }
    if text.contains("failedToValidateHostname") { return "the server's certificate is not for this host name" }
    if let range = text.range(of: #"OPENSSL_internal:[A-Z0-9_]+"#, options: .regularExpression) {
        let reason = text[range].dropFirst("OPENSSL_internal:".count).replacingOccurrences(of: "_", with: " ").lowercased()
        return "TLS handshake failed: \(reason)"
    }
    return "TLS failed: \(text)"
}

/// The parts of an `http(s)://` URL a request needs.
private struct Target {
    let host: String
    let port: Int
    let isTLS: Bool
    let pathAndQuery: String
    let absolute: String

    init(_ url: URL) throws(HTTPFetchError) {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw HTTPFetchError(.invalidURL, "'\(url.absoluteString)' is not an http:// or https:// URL")
        }
        guard var host = url.host, !host.isEmpty else { throw HTTPFetchError(.invalidURL, "'\(url.absoluteString)' has no host") }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        isTLS = scheme == "https"
        self.host = host
        port = url.port ?? (isTLS ? 443 : 80)
        let path = url.path(percentEncoded: true)
        pathAndQuery = (path.isEmpty ? "/" : path) + (url.query(percentEncoded: true).map { "?" + $0 } ?? "")
        absolute = url.absoluteString
    }

    var authority: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (isTLS ? 443 : 80) ? name : "\(name):\(port)"
    }
}

/// The TLS client contexts, built once (loading the system's trust roots is slow).
private enum TLSContexts {
    static let verifying = Result { try NIOSSLContext(configuration: .makeClientConfiguration()) }
    static let unverified = Result {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        return try NIOSSLContext(configuration: configuration)
    }

    static func context(verify: Bool) throws(HTTPFetchError) -> NIOSSLContext {
        do { return try (verify ? verifying : unverified).get() } catch { throw HTTPFetchError(.tls, "cannot set up TLS: \(error)") }
    }
}

/// Cookies set during one fetch, by host: name=value pairs only (no paths, expiry or domains).
private struct CookieJar {
    private var byHost: [String: [HTTPField]] = [:]

    mutating func store(_ setCookies: [String], host: String) {
        for line in setCookies {
            let pair = line.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let name = pair[..<equals].trimmingCharacters(in: .whitespaces)
            let value = pair[pair.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            var cookies = byHost[host, default: []].filter { $0.name != name }
            cookies.append(HTTPField(name, value))
            byHost[host] = cookies
        }
    }

    func header(host: String) -> String? {
        guard let cookies = byHost[host], !cookies.isEmpty else { return nil }
        return cookies.map { "\($0.name)=\($0.value)" }.joined(separator: "; ")
    }
}
