import DomainFlowEngine
import DomainFlowStore
import Foundation
import Testing

/// A stored proxy as the checker and the campaigns use it: one mapping of the stored protocol and one unsealing.
@Suite struct StoredProxyEndpointTests {
    private func access(_ protocolName: String, sealed: String? = nil) -> ProxyAccess {
        ProxyAccess(id: UUID(), name: "office", protocolName: protocolName, host: "127.0.0.1", port: 3128, username: "alice",
                    sealedPassword: sealed)
    }

    @Test func eachStoredProtocolMapsToItsKind() throws {
        let kinds: [(String, ProxyEndpoint.Kind)] = [("http", .http), ("https", .httpsConnect), ("socks5", .socks5), ("socks4", .socks4)]
        for (stored, kind) in kinds {
            let endpoint = try ProxyEndpoint(access(stored), unseal: nil)
            #expect(endpoint == ProxyEndpoint(kind: kind, host: "127.0.0.1", port: 3128, username: "alice"), "\(stored)")
        }
        #expect(throws: StoredProxyProblem.unknownProtocol("ftp")) { try ProxyEndpoint(access("ftp"), unseal: nil) }
    }

    @Test func aPasswordIsUnsealedOrTheProblemSaid() throws {
        let opened = try ProxyEndpoint(access("socks5", sealed: "sealed-1")) { sealed in sealed == "sealed-1" ? "hunter2" : "" }
        #expect(opened.password == "hunter2" && opened.username == "alice")
        #expect(throws: StoredProxyProblem.noKey) { try ProxyEndpoint(access("socks5", sealed: "sealed-1"), unseal: nil) }
        struct WrongKey: Error {}
        #expect(throws: StoredProxyProblem.cannotUnseal) {
            try ProxyEndpoint(access("socks5", sealed: "sealed-1")) { _ in throw WrongKey() }
        }
    }
}
