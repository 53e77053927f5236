import DomainFlowCore
import Foundation
import Testing

/// The proxy handshakes byte for byte, against the RFCs' layouts, including replies that arrive in pieces.
@Suite struct ProxyHandshakeTests {
    @Test func socks5WithoutAuthenticationConnectsByName() throws {
        var h = ProxyHandshake(kind: .socks5, targetHost: "example.com", targetPort: 443)
        #expect(try h.start() == [5, 1, 0])
        var input: [UInt8] = [5]
        #expect(try h.receive(&input) == .needMore, "half a method reply")
        input += [0]
        #expect(try h.receive(&input) == .send([5, 1, 0, 3, 11] + Array("example.com".utf8) + [1, 187]))
        input = [5, 0, 0, 1, 127, 0]
        #expect(try h.receive(&input) == .needMore, "half a connect reply")
        input += [0, 1, 0x1F, 0x90]
        #expect(try h.receive(&input) == .done)
        #expect(input.isEmpty)
    }

    @Test func socks5UsernamePasswordFollowsRFC1929() throws {
        var h = ProxyHandshake(kind: .socks5, targetHost: "192.0.2.7", targetPort: 80, username: "bob", password: "pw")
        #expect(try h.start() == [5, 2, 0, 2])
        var input: [UInt8] = [5, 2]
        #expect(try h.receive(&input) == .send([1, 3] + Array("bob".utf8) + [2] + Array("pw".utf8)))
        input = [1, 0]
        #expect(try h.receive(&input) == .send([5, 1, 0, 1, 192, 0, 2, 7, 0, 80]))
        var rejected = ProxyHandshake(kind: .socks5, targetHost: "192.0.2.7", targetPort: 80, username: "bob", password: "no")
        _ = try rejected.start()
        input = [5, 2]
        _ = try rejected.receive(&input)
        input = [1, 1]
        #expect(throws: ProxyHandshakeError.authenticationRequired("the SOCKS5 proxy rejected the username or password")) {
            try rejected.receive(&input)
        }
    }

    @Test func socks5RefusalsAreNamed() throws {
        var h = ProxyHandshake(kind: .socks5, targetHost: "::1", targetPort: 8080)
        _ = try h.start()
        var input: [UInt8] = [5, 0]
        #expect(try h.receive(&input) == .send([5, 1, 0, 4] + [UInt8](repeating: 0, count: 15) + [1] + [0x1F, 0x90]))
        input = [5, 5, 0, 1, 0, 0, 0, 0, 0, 0]
        #expect(throws: ProxyHandshakeError.targetUnreachable("the SOCKS5 proxy could not connect: connection refused"), "the target's fault, not the proxy's") { try h.receive(&input) }
        var noMethod = ProxyHandshake(kind: .socks5, targetHost: "a.example", targetPort: 80)
        _ = try noMethod.start()
        input = [5, 0xFF]
        #expect { try noMethod.receive(&input) } throws: { error in
            if case .authenticationRequired = error as? ProxyHandshakeError { true } else { false }
        }
    }

    @Test func socks4UsesTheAddressAndSocks4aTheName() throws {
        var h = ProxyHandshake(kind: .socks4, targetHost: "10.1.2.3", targetPort: 80, username: "id")
        #expect(try h.start() == [4, 1, 0, 80, 10, 1, 2, 3, 105, 100, 0])
        var input: [UInt8] = [0, 90, 0, 0, 0, 0, 0]
        #expect(try h.receive(&input) == .needMore)
        input += [0]
        #expect(try h.receive(&input) == .done)
        var named = ProxyHandshake(kind: .socks4, targetHost: "dftest.example", targetPort: 80)
        #expect(try named.start() == [4, 1, 0, 80, 0, 0, 0, 1, 0] + Array("dftest.example".utf8) + [0])
        input = [0, 91, 0, 0, 0, 0, 0, 0]
        #expect(throws: ProxyHandshakeError.refused("the SOCKS4 proxy rejected or could not complete the request")) {
            try named.receive(&input)
        }
        var v6 = ProxyHandshake(kind: .socks4, targetHost: "2001:db8::1", targetPort: 80)
        #expect(throws: ProxyHandshakeError.self) { try v6.start() }
    }

    @Test func httpConnectSendsBasicAuthAndReadsTheStatus() throws {
        var h = ProxyHandshake(kind: .httpConnect, targetHost: "example.com", targetPort: 443, username: "u", password: "p")
        let request = String(decoding: try h.start(), as: UTF8.self)
        #expect(request == "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nProxy-Authorization: Basic dTpw\r\n\r\n")
        var input = Array("HTTP/1.1 200 Connection established\r\n".utf8)
        #expect(try h.receive(&input) == .needMore)
        input += Array("Proxy-Agent: test\r\n\r\n".utf8)
        #expect(try h.receive(&input) == .done)
        #expect(input.isEmpty)

        var denied = ProxyHandshake(kind: .httpConnect, targetHost: "example.com", targetPort: 443)
        _ = try denied.start()
        input = Array("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n".utf8)
        #expect(throws: ProxyHandshakeError.authenticationRequired("the proxy answered CONNECT with 407 Proxy Authentication Required")) {
            try denied.receive(&input)
        }
        var forbidden = ProxyHandshake(kind: .httpConnect, targetHost: "example.com", targetPort: 25)
        _ = try forbidden.start()
        input = Array("HTTP/1.0 403 Forbidden\r\n\r\n".utf8)
        #expect(throws: ProxyHandshakeError.refused("the proxy answered CONNECT with 403 Forbidden")) { try forbidden.receive(&input) }
        var garbage = ProxyHandshake(kind: .httpConnect, targetHost: "example.com", targetPort: 443)
        _ = try garbage.start()
        input = [UInt8](repeating: 65, count: ProxyHandshake.maxConnectReplyBytes + 1)
        #expect(throws: ProxyHandshakeError.self) { try garbage.receive(&input) }
    }

    /// Every reply delivered one byte at a time gives the same exchange as whole replies.
    @Test func repliesSplitAtEveryByteGiveTheSameExchange() throws {
        let cases: [(ProxyHandshake, [[UInt8]])] = [
            (ProxyHandshake(kind: .socks5, targetHost: "example.com", targetPort: 80, username: "u", password: "p"),
             [[5, 2], [1, 0], [5, 0, 0, 3, 3, 97, 98, 99, 0, 80]]),
            (ProxyHandshake(kind: .socks4, targetHost: "10.0.0.1", targetPort: 80), [[0, 90, 0, 0, 0, 0, 0, 0]]),
            (ProxyHandshake(kind: .httpConnect, targetHost: "example.com", targetPort: 443),
             [Array("HTTP/1.1 200 OK\r\nVia: test\r\n\r\n".utf8)]),
        ]
        for (initial, replies) in cases {
            var whole = initial, trickled = initial
            #expect(try whole.start() == trickled.start())
            for reply in replies {
                var all = reply
                let expected = try whole.receive(&all)
                var pending: [UInt8] = []
                var step = ProxyHandshake.Step.needMore
                for byte in reply {
                    pending.append(byte)
                    step = try trickled.receive(&pending)
                    if step != .needMore { break }
                }
                #expect(step == expected && pending.isEmpty, "\(initial.kind): \(reply)")
            }
        }
    }
}

@Suite struct IPAddressTests {
    @Test func literalsAsTheSystemParsesThem() {
        #expect(IPAddress.v4Bytes("192.0.2.7") == [192, 0, 2, 7])
        #expect(IPAddress.v4Bytes("192.0.2") == nil && IPAddress.v4Bytes("256.0.0.1") == nil && IPAddress.v4Bytes("example.com") == nil)
        #expect(IPAddress.v6Bytes("::1") == [UInt8](repeating: 0, count: 15) + [1])
        #expect(IPAddress.v6Bytes("[::1]") == nil && IPAddress.v6Bytes("192.0.2.7") == nil)
        #expect(IPAddress.isLiteral("2001:db8::1") && IPAddress.isLiteral("10.0.0.1") && !IPAddress.isLiteral("dftest.example"))
    }
}
