@testable import DomainFlowStore
import DomainFlowClient
import DomainFlowServer
import DomainFlowWire
import Foundation
import Glibc
import Testing

@Suite struct ProxyTests {
    @Test func passwordIsSealedNeverReturnedAndKeptOnUpdate() async throws {
        let secrets = SecretBox.random()
        try await AuthHarness.with(secrets: secrets) { h in
            let client = try await h.admin()
            var request = ProxyRequest(name: "office", protocol: .socks5, host: "127.0.0.1", port: 1080,
                                       username: "alice", password: "hunter2-proxy-secret", setPassword: true)
            request.countryCode = "de"
            let created = try await client.unary(Methods.createProxy, request)
            #expect(created.hasPassword && created.address == "127.0.0.1:1080" && created.enabled && created.countryCode == "DE")
            let stored = try await h.store.pool.withConnection { c in
                try c.simpleQuery("SELECT password_hash FROM proxies WHERE id = '\(created.id)'").first!.string(0)
            }
            #expect(!stored.contains("hunter2"), "stored sealed, not in clear")
            #expect(try secrets.open(stored) == "hunter2-proxy-secret", "and the server can use it")
            #expect(try await h.count("SELECT count(*) FROM audit_logs WHERE details::text LIKE '%hunter2%'") == 0)

            var update = ProxyRequest(id: created.id, name: "office", protocol: .socks5, host: "proxy.example", port: 1081)
            update.disabled = true
            let updated = try await client.unary(Methods.updateProxy, update)
            #expect(updated.hasPassword, "an update without set_password keeps the password")
            #expect(updated.address == "proxy.example:1081" && !updated.enabled)
            var listed = ListProxiesRequest()
            listed.enabledOnly = true
            #expect(try await client.unary(Methods.listProxies, listed).proxies.isEmpty)
            update.setPassword = true
            update.password = ""
            #expect(try await client.unary(Methods.updateProxy, update).hasPassword == false, "set_password with none clears it")
            _ = try await client.unary(Methods.deleteProxy, .init(id: created.id))
            await expectCode(.notFound) { try await client.unary(Methods.getProxy, .init(id: created.id)) }
            await client.close()
        }
    }

    @Test func invalidProxiesAreRejectedAndOthersProxiesInvisible() async throws {
        try await AuthHarness.with(secrets: SecretBox.random()) { h in
            _ = try await h.createUser("pxa")
            _ = try await h.createUser("pxb")
            let a = try await h.client("pxa", "a long enough password")
            let b = try await h.client("pxb", "a long enough password")
            let cases: [(ProxyRequest, String)] = [
                (ProxyRequest(name: "x", protocol: .http, host: "bad host", port: 8080), "host"),
                (ProxyRequest(name: "x", protocol: .http, host: "127.0.0.1", port: 0), "port"),
                (ProxyRequest(name: "x", protocol: .http, host: "127.0.0.1", port: 70000), "port"),
                (ProxyRequest(name: "x", protocol: .unspecified, host: "127.0.0.1", port: 8080), "protocol"),
                (ProxyRequest(name: "", protocol: .http, host: "127.0.0.1", port: 8080), "name"),
                (ProxyRequest(name: "x", protocol: .socks4, host: "127.0.0.1", port: 1080, username: "u", password: "p", setPassword: true), "password"),
            ]
            for (request, field) in cases {
                let error = await expectCode(.invalidArgument) { try await a.unary(Methods.createProxy, request) }
                #expect(error?.message.hasPrefix(field) == true, "\(error?.message ?? "") names \(field)")
            }
            let mine = try await a.unary(Methods.createProxy, ProxyRequest(name: "mine", protocol: .http, host: "127.0.0.1", port: 3128))
            await expectCode(.alreadyExists) { try await a.unary(Methods.createProxy, ProxyRequest(name: "mine", protocol: .http, host: "127.0.0.1", port: 3129)) }
            await expectCode(.notFound) { try await b.unary(Methods.getProxy, .init(id: mine.id)) }
            await expectCode(.notFound) { try await b.unary(Methods.deleteProxy, .init(id: mine.id)) }
            await expectCode(.notFound) {
                try await b.unary(Methods.updateProxy, ProxyRequest(id: mine.id, name: "taken", protocol: .http, host: "127.0.0.1", port: 1))
            }
            #expect(try await b.unary(Methods.listProxies, ListProxiesRequest()).proxies.isEmpty)
            #expect(try await h.count("SELECT count(*) FROM proxies") == 1)
            await a.close(); await b.close()
        }
    }

    @Test func keyFileIsCreatedPrivateAndReused() throws {
        let path = "/tmp/dfkey-\(UUID().uuidString.prefix(8))/secret.key"
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let first = try SecretBox.load(keyFile: path)
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        let sealed = try first.seal("s3cret")
        #expect(try SecretBox.load(keyFile: path).open(sealed) == "s3cret", "the same key next start")
        #expect(throws: (any Error).self) { try SecretBox.random().open(sealed) }
        chmod(path, 0o644)
        #expect(throws: (any Error).self) { try SecretBox.load(keyFile: path) }
    }
}
