import Foundation

/// The client side of a proxy's tunnel handshake, as a byte-level state machine with no I/O:
/// SOCKS4 (RFC-less classic, with SOCKS4a for names), SOCKS5 (RFC 1928, no authentication or
/// username/password per RFC 1929) and HTTP CONNECT (RFC 9110 §9.3.6, Basic proxy authentication).
///
/// Drive it with `start()` (the first bytes to send), then feed every byte the proxy sends to
/// `receive(_:)` until it answers `.done`; any failure throws `ProxyHandshakeError`.
public struct ProxyHandshake: Sendable {
    public enum Kind: Sendable, Equatable { case socks4, socks5, httpConnect }

    /// What the caller does next.
    public enum Step: Sendable, Equatable {
        /// Send these bytes, then keep reading.
        case send([UInt8])
        /// Read more bytes.
        case needMore
        /// The tunnel is open: from here on the connection carries the target's bytes.
        case done
    }

    private enum State: Sendable { case initial, socks4Reply, socks5Method, socks5Auth, socks5Reply, connectReply, finished }

    public let kind: Kind
    public let targetHost: String
    public let targetPort: Int
    public let username: String
    public let password: String
    private var state = State.initial

    /// The most header bytes an HTTP proxy may answer a CONNECT with.
    public static let maxConnectReplyBytes = 16 * 1024

    public init(kind: Kind, targetHost: String, targetPort: Int, username: String = "", password: String = "") {
        self.kind = kind; self.targetHost = targetHost; self.targetPort = targetPort
        self.username = username; self.password = password
    }

    /// The bytes that open the handshake.
    public mutating func start() throws(ProxyHandshakeError) -> [UInt8] {
        guard (1...65535).contains(targetPort) else { throw .invalidTarget("port \(targetPort)") }
        switch kind {
        case .socks4:
            state = .socks4Reply
            return try socks4Request()
        case .socks5:
            state = .socks5Method
            return username.isEmpty ? [5, 1, 0] : [5, 2, 0, 2]
        case .httpConnect:
            state = .connectReply
            let authority = targetHost.contains(":") ? "[\(targetHost)]:\(targetPort)" : "\(targetHost):\(targetPort)"
            var text = "CONNECT \(authority) HTTP/1.1\r\nHost: \(authority)\r\n"
            if !username.isEmpty {
                text += "Proxy-Authorization: \(Self.basicCredentials(username: username, password: password))\r\n"
            }
            return Array((text + "\r\n").utf8)
        }
    }

    /// Consumes what it needs of `input` (the proxy's bytes so far) and says what comes next.
    public mutating func receive(_ input: inout [UInt8]) throws(ProxyHandshakeError) -> Step {
        switch state {
        case .initial: throw .unexpected("receive before start")
        case .finished: return .done
        case .socks4Reply:
            guard input.count >= 8 else { return .needMore }
            let code = input[1]
            input.removeFirst(8)
            guard code == 90 else { throw .refused(Self.socks4Reason(code)) }
            state = .finished
            return .done
        case .socks5Method:
            guard input.count >= 2 else { return .needMore }
            let (version, method) = (input[0], input[1])
            input.removeFirst(2)
            guard version == 5 else { throw .unexpected("not a SOCKS5 proxy (version byte \(version))") }
            switch method {
            case 0:
                state = .socks5Reply
                return .send(try socks5Connect())
            case 2 where !username.isEmpty:
                state = .socks5Auth
                let user = Array(username.utf8), pass = Array(password.utf8)
                guard user.count <= 255, pass.count <= 255 else { throw .invalidTarget("SOCKS5 username and password are at most 255 bytes each") }
                return .send([1, UInt8(user.count)] + user + [UInt8(pass.count)] + pass)
            case 0xFF, 2:
                throw .authenticationRequired("the SOCKS5 proxy accepts none of the offered authentication methods"
                                              + (username.isEmpty ? " (it may want a username and password)" : ""))
            default:
                throw .unexpected("the SOCKS5 proxy chose authentication method \(method), which was not offered")
            }
        case .socks5Auth:
            guard input.count >= 2 else { return .needMore }
            let status = input[1]
            input.removeFirst(2)
            guard status == 0 else { throw .authenticationRequired("the SOCKS5 proxy rejected the username or password") }
            state = .socks5Reply
            return .send(try socks5Connect())
        case .socks5Reply:
            guard input.count >= 5 else { return .needMore }
            let length: Int
            switch input[3] {
            case 1: length = 4 + 4 + 2
            case 4: length = 4 + 16 + 2
            case 3: length = 4 + 1 + Int(input[4]) + 2
            default: throw .unexpected("SOCKS5 reply with address type \(input[3])")
            }
            guard input.count >= length else { return .needMore }
            let code = input[1]
            input.removeFirst(length)
            guard code == 0 else {
                throw [3, 4, 5, 6].contains(code) ? .targetUnreachable(Self.socks5Reason(code)) : .refused(Self.socks5Reason(code))
            }
            state = .finished
            return .done
        case .connectReply:
            guard let end = Self.headerEnd(input) else {
                if input.count > Self.maxConnectReplyBytes { throw .unexpected("the proxy's CONNECT reply has no end of headers") }
                return .needMore
            }
            let head = String(decoding: input[0..<end], as: UTF8.self)
            input.removeFirst(end + 4)
            let statusLine = head.split(separator: "\r\n", maxSplits: 1).first.map(String.init) ?? ""
            let parts = statusLine.split(separator: " ", maxSplits: 2)
            guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
                throw .unexpected("the proxy did not answer CONNECT with HTTP: '\(statusLine.prefix(80))'")
            }
            switch status {
            case 200..<300:
                state = .finished
                return .done
            case 401, 407: throw .authenticationRequired("the proxy answered CONNECT with \(statusLine.dropFirst(9))")
            case 502, 503, 504:
                throw .targetUnreachable("the proxy could not reach the target: it answered CONNECT with \(statusLine.dropFirst(9))")
            case 500 where statusLine.lowercased().contains("connect"):
                throw .targetUnreachable("the proxy could not reach the target: it answered CONNECT with \(statusLine.dropFirst(9))")
            default: throw .refused("the proxy answered CONNECT with \(statusLine.dropFirst(9))")
            }
        }
    }

    private func socks4Request() throws(ProxyHandshakeError) -> [UInt8] {
        var bytes: [UInt8] = [4, 1, UInt8(targetPort >> 8), UInt8(targetPort & 0xFF)]
        let user = Array(username.utf8)
        if let v4 = IPAddress.v4Bytes(targetHost) {
            bytes += v4 + user + [0]
        } else if targetHost.contains(":") {
            throw .invalidTarget("SOCKS4 cannot reach an IPv6 address (\(targetHost))")
        } else {
            bytes += [0, 0, 0, 1] + user + [0] + Array(targetHost.utf8) + [0]   // SOCKS4a: the proxy resolves the name
        }
        return bytes
    }

    private func socks5Connect() throws(ProxyHandshakeError) -> [UInt8] {
        var bytes: [UInt8] = [5, 1, 0]
        if let v4 = IPAddress.v4Bytes(targetHost) {
            bytes += [1] + v4
        } else if let v6 = IPAddress.v6Bytes(targetHost) {
            bytes += [4] + v6
        } else {
            let name = Array(targetHost.utf8)
            guard !name.isEmpty, name.count <= 255 else { throw .invalidTarget("host name '\(targetHost)'") }
            bytes += [3, UInt8(name.count)] + name
        }
        return bytes + [UInt8(targetPort >> 8), UInt8(targetPort & 0xFF)]
    }

    private static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i
        }
        return nil
    }

    /// The value of a `Proxy-Authorization` header for HTTP Basic authentication (RFC 7617).
    public static func basicCredentials(username: String, password: String) -> String {
        "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }

    private static func socks4Reason(_ code: UInt8) -> String {
        switch code {
        case 91: "the SOCKS4 proxy rejected or could not complete the request"
        case 92: "the SOCKS4 proxy could not reach identd on the client"
        case 93: "the SOCKS4 proxy's identd check failed for the user id"
        default: "the SOCKS4 proxy answered code \(code)"
        }
    }

    private static func socks5Reason(_ code: UInt8) -> String {
        let reasons = [1: "general failure", 2: "connection not allowed by ruleset", 3: "network unreachable",
                       4: "host unreachable", 5: "connection refused", 6: "TTL expired", 7: "command not supported",
                       8: "address type not supported"]
        return "the SOCKS5 proxy could not connect: " + (reasons[Int(code)] ?? "reply code \(code)")
    }
}

/// Why a proxy handshake failed.
public enum ProxyHandshakeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The proxy wants credentials, or rejected the ones given.
    case authenticationRequired(String)
    /// The proxy refused to open the tunnel.
    case refused(String)
    /// The proxy works but could not reach the target (refused, unreachable, timed out): the target's fault.
    case targetUnreachable(String)
    /// The proxy said something this client does not understand.
    case unexpected(String)
    /// The target cannot be expressed in this proxy protocol.
    case invalidTarget(String)

    public var description: String {
        switch self {
        case .authenticationRequired(let m), .refused(let m), .unexpected(let m), .targetUnreachable(let m): m
        case .invalidTarget(let m): "cannot ask the proxy for this target: \(m)"
        }
    }
}
