import DomainFlowCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOHTTPCompression
import NIOPosix
import NIOSSL
import NIOTLS

/// Fetches a URL over HTTP/1.1 (or HTTP/2 when the request allows it and the server chooses `h2` by
/// ALPN), directly or through an HTTP, CONNECT, SOCKS5 or SOCKS4 proxy, with TLS for `https://`,
/// following redirects if asked, decoding gzip and deflate bodies, reading at most a bounded number of
/// body bytes, all within one deadline. One connection per request (`Connection: close`). Plain HTTP to an
/// address without a proxy goes through `PlainHTTPReactor` (no channel, none of `group`'s loops); the rest through
/// a SwiftNIO channel on `group`.
public enum HTTPFetcher {
    /// How long a connection whose response was read whole waits for the server to close it.
    static let closeGrace = TimeAmount.milliseconds(250)

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
                                   httpVersion: response.head.version.major == 2 ? "HTTP/2"
                                       : "HTTP/\(response.head.version.major).\(response.head.version.minor)")
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
        if !target.isTLS, proxy == nil, let literal = try? SocketAddress(ipAddress: address ?? target.host, port: target.port),
           let reactor = PlainHTTPReactor.next() {
            // Plain HTTP to an address, the bulk of a campaign: no channel (see PlainHTTPReactor).
            let head = requestHead(target, request, cookies: cookies, tunnelled: false)
            return try await reactor.exchange(to: literal, head: head, maxBodyBytes: request.maxBodyBytes,
                                                             timeout: remaining).get()
        }

        let channel: any Channel
        do {
            let bootstrap = ClientBootstrap(group: group).connectTimeout(.nanoseconds(remaining.wholeNanoseconds))
            let (host, port) = (proxy?.host ?? address ?? target.host, proxy?.port ?? target.port)
            if let literal = try? SocketAddress(ipAddress: host, port: port) {
                channel = try await bootstrap.connect(to: literal).get()  // an address: no resolver, no happy eyeballs
            } else {
                channel = try await bootstrap.connect(host: host, port: port).get()
            }
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
        var leaveToServer = false
        defer {
            timer.cancel()
            // Whatever way this ends, both promises end too (a second completion is ignored).
            tunnelOpen.succeed()
            responded.fail(HTTPFetchError(.protocolError, "the fetch ended before a response"))
            if leaveToServer {
                // A whole HTTP/1.1 response was read (`Connection: close`): the server closes first, so that the
                // TIME_WAIT is its own and not one of our ephemeral ports (which a run against few addresses, a
                // shared host or a parking provider, would exhaust); a server that does not is closed on after a grace.
                let grace = loop.scheduleTask(in: closeGrace) { channel.close(promise: nil) }
                channel.closeFuture.whenComplete { _ in grace.cancel() }
            } else {
                channel.close(promise: nil)
            }
        }

        do {
            if let handshake = tunnel(for: target, address: address, through: proxy) {
                try await loop.submit {
                    try channel.pipeline.syncOperations.addHandler(ProxyHandshakeHandler(handshake, tunnelOpen: tunnelOpen))
                }.get()
                try await tunnelOpen.futureResult.get()
            }
            let offerHTTP2 = target.isTLS && request.allowHTTP2
            let context = target.isTLS ? try TLSContexts.context(verify: request.verifyTLS, http2: offerHTTP2) : nil
            let head = requestHead(target, request, cookies: cookies, tunnelled: address != nil)
            let maxBodyBytes = request.maxBodyBytes
            try await loop.submit {
                let pipeline = channel.pipeline.syncOperations
                if let context {
                    let sniName = IPAddress.isLiteral(target.host) ? nil : target.host  // SNI carries names only
                    try pipeline.addHandler(try NIOSSLClientHandler(context: context, serverHostname: sniName))
                }
                if offerHTTP2 {
                    // The server's choice by ALPN decides the protocol once the TLS handshake is done.
                    try pipeline.addHandler(ApplicationProtocolNegotiationHandler { result, channel in
                        if case .negotiated("h2") = result {
                            return sendHTTP2(head, on: channel, maxBodyBytes: maxBodyBytes, responded: responded)
                        }
                        return channel.eventLoop.makeCompletedFuture {
                            try sendHTTP1(head, on: channel, maxBodyBytes: maxBodyBytes, responded: responded)
                        }
                    })
                } else {
                    try sendHTTP1(head, on: channel, maxBodyBytes: maxBodyBytes, responded: responded)
                }
            }.get()
            let response = try await responded.futureResult.get()
            leaveToServer = response.head.version.major == 1 && !response.truncated
            return response
        } catch let error as HTTPFetchError {
            throw error
        } catch {
            throw describe(error)
        }
    }

    /// HTTP/1.1 on `channel`: the codec, the body decoder (gzip / deflate bodies are decoded, so limits and
    /// scoring see the text), the collector; then the request. On the channel's event loop.
    private static func sendHTTP1(_ head: HTTPRequestHead, on channel: any Channel, maxBodyBytes: Int,
                                  responded: EventLoopPromise<CollectedResponse>) throws {
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHTTPClientHandlers()
        try pipeline.addHandler(NIOHTTPResponseDecompressor(limit: .ratio(1000)))
        try pipeline.addHandler(HTTPResponseCollector(maxBodyBytes: maxBodyBytes, closeAtEnd: false, done: responded))
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
    }

    /// HTTP/2 on `channel` (the server chose `h2`): one stream carrying the request, read through the same
    /// HTTP/1-shaped decoder and collector. Connection-level headers do not exist in HTTP/2.
    private static func sendHTTP2(_ head: HTTPRequestHead, on channel: any Channel, maxBodyBytes: Int,
                                  responded: EventLoopPromise<CollectedResponse>) -> EventLoopFuture<Void> {
        var stripped = head
        stripped.headers.remove(name: "Connection")  // HTTP/2 has no connection-specific headers
        let head = stripped
        return channel.configureHTTP2Pipeline(mode: .client, inboundStreamInitializer: nil).flatMap { multiplexer in
            let stream = channel.eventLoop.makePromise(of: (any Channel).self)
            multiplexer.createStreamChannel(promise: stream) { streamChannel in
                streamChannel.eventLoop.makeCompletedFuture {
                    let pipeline = streamChannel.pipeline.syncOperations
                    try pipeline.addHandler(HTTP2FramePayloadToHTTP1ClientCodec(httpProtocol: .https))
                    try pipeline.addHandler(NIOHTTPResponseDecompressor(limit: .ratio(1000)))
                    try pipeline.addHandler(HTTPResponseCollector(maxBodyBytes: maxBodyBytes, closeAtEnd: true, done: responded))
                }
            }
            return stream.futureResult.map { streamChannel in
                streamChannel.write(HTTPClientRequestPart.head(head), promise: nil)
                streamChannel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            }
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
            return HTTPFetchError(systemError: error.errnoCode)
        case ChannelError.connectTimeout:
            return HTTPFetchError(.timeout, "connecting took longer than the timeout")
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            return HTTPFetchError(.tls, tlsReason("\(error)"))
        case let error as HTTPParserError:
            return HTTPFetchError(invalidResponse: "\(error)")
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
        let name = host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : host  // an IPv6 literal
        return port == (isTLS ? 443 : 80) ? name : "\(name):\(port)"
    }
}

/// The TLS client contexts, built once (loading the system's trust roots is slow): verifying or not,
/// offering `h2` and `http/1.1` by ALPN or nothing.
private enum TLSContexts {
    static let verifying = make(verify: true, http2: false)
    static let unverified = make(verify: false, http2: false)
    static let verifyingHTTP2 = make(verify: true, http2: true)
    static let unverifiedHTTP2 = make(verify: false, http2: true)

    private static func make(verify: Bool, http2: Bool) -> Result<NIOSSLContext, any Error> {
        Result {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if !verify { configuration.certificateVerification = .none }
            if http2 { configuration.applicationProtocols = ["h2", "http/1.1"] }
            return try NIOSSLContext(configuration: configuration)
        }
    }

    static func context(verify: Bool, http2: Bool) throws(HTTPFetchError) -> NIOSSLContext {
        let chosen = switch (verify, http2) {
        case (true, false): verifying
        case (false, false): unverified
        case (true, true): verifyingHTTP2
        case (false, true): unverifiedHTTP2
        }
        do { return try chosen.get() } catch { throw HTTPFetchError(.tls, "cannot set up TLS: \(error)") }
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
