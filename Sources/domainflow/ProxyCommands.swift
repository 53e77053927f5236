import ArgumentParser
import DomainFlowClient
import DomainFlowWire
import Foundation

struct ProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "proxy", abstract: "Proxies.",
        subcommands: [Create.self, List.self, Show.self, Update.self, Delete.self, Test.self, CheckAll.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a proxy (the password is read from stdin with --password-stdin).")
        @OptionGroup var connection: ConnectionOptions
        @Argument var name: String
        @Option(help: "http, https (CONNECT), socks5 or socks4.") var proxyProtocol: String?
        @Option var host: String?
        @Option var port: UInt32?
        @Option var username = ""
        @Flag(help: "Read the proxy's password from stdin.") var passwordStdin = false
        @Option var description = ""
        @Option var city = ""
        @Option var countryCode = ""
        @Option var provider = ""
        @Flag(help: "Create it disabled.") var disabled = false
        @Option(help: "JSON or YAML: a ProxyRequest in protobuf's JSON mapping (proxies.proto: protocol, host, port, username, password, description, city, country_code, provider, disabled). Flags beside it override its fields.")
        var fromFile: String?
        @Flag var json = false

        static let overrides = FileOverrides(paths: [
            "proxy-protocol": ["protocol"], "host": ["host"], "port": ["port"], "username": ["username"], "password-stdin": ["password"],
            "description": ["description"], "city": ["city"], "country-code": ["country_code"], "provider": ["provider"],
            "disabled": ["disabled"],
        ])

        func run() async throws {
            let parsed = try proxyProtocol.map { name in
                guard let parsed = ProxyProtocol(name: name) else { throw ValidationError("--proxy-protocol must be http, https, socks5 or socks4") }
                return parsed
            }
            let password = passwordStdin ? try PasswordInput.read(prompt: "", fromStdin: true) : ""
            var request = ProxyRequest(name: name, protocol: parsed ?? .unspecified, host: host ?? "", port: port ?? 0,
                                       username: username, password: password, setPassword: !password.isEmpty)
            request.description = description
            request.city = city
            request.countryCode = countryCode
            request.provider = provider
            request.disabled = disabled
            if let fromFile {
                let file = try MessageFile.fields(fromFile, for: Methods.createProxy)
                request = try MessageFile.request(try Self.overrides.apply(file: file, flags: request.fields, for: Methods.createProxy),
                                                  from: fromFile)
                request.name = name
            } else {
                guard parsed != nil, host != nil, port != nil else { throw ValidationError("give --proxy-protocol, --host and --port, or --from-file") }
            }
            let proxy = try await connection.unary(Methods.createProxy, request)
            print(json ? try Output.json(ProxyView(proxy)) : "created proxy \(proxy.id) (\(proxy.`protocol`.name)://\(proxy.address))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List proxies.")
        @OptionGroup var connection: ConnectionOptions
        @Flag var enabledOnly = false
        @Option(help: "Only names containing this.") var name = ""
        @Flag var json = false
        func run() async throws {
            var request = ListProxiesRequest()
            request.enabledOnly = enabledOnly
            request.nameContains = name
            request.pageSize = 500
            let page = try await connection.unary(Methods.listProxies, request)
            if json { print(try Output.json(page.proxies.map(ProxyView.init))); return }
            Output.table(["ID", "NAME", "PROTOCOL", "ADDRESS", "ENABLED", "HEALTHY", "LATENCY", "LAST CHECKED", "LAST STATUS"], page.proxies.map {
                [$0.id, $0.name, $0.`protocol`.name, $0.address, $0.enabled ? "yes" : "no", $0.lastCheckedAtMicros == 0 ? "-" : $0.healthy ? "yes" : "no",
                 $0.latencyMs == 0 ? "-" : "\($0.latencyMs) ms", $0.lastCheckedAtMicros == 0 ? "never" : Output.time($0.lastCheckedAtMicros), $0.lastStatus]
            })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a proxy as JSON (never its password).")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        func run() async throws {
            print(try Output.json(ProxyView(try await connection.unary(Methods.getProxy, .init(id: id)))))
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a proxy: only the options given change; the password is kept unless --password-stdin or --clear-password.")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        @Option var name: String?
        @Option(help: "http, https (CONNECT), socks5 or socks4.") var proxyProtocol: String?
        @Option var host: String?
        @Option var port: UInt32?
        @Option var username: String?
        @Flag(help: "Read a new password from stdin.") var passwordStdin = false
        @Flag(help: "Remove the stored password.") var clearPassword = false
        @Option var description: String?
        @Option var city: String?
        @Option var countryCode: String?
        @Option var provider: String?
        @Flag(inversion: .prefixedEnableDisable, help: "Enable or disable the proxy.") var enabled: Bool?
        func run() async throws {
            guard !(passwordStdin && clearPassword) else { throw ValidationError("give --password-stdin or --clear-password, not both") }
            var kind = ProxyProtocol.unspecified
            if let proxyProtocol {
                guard let parsed = ProxyProtocol(name: proxyProtocol) else { throw ValidationError("--proxy-protocol must be http, https, socks5 or socks4") }
                kind = parsed
            }
            var request = ProxyRequest(id: id, name: name ?? "", protocol: kind, host: host ?? "", port: port ?? 0,
                                       username: username ?? "")
            request.password = passwordStdin ? try PasswordInput.read(prompt: "", fromStdin: true) : ""
            request.description = description ?? ""
            request.city = city ?? ""
            request.countryCode = countryCode ?? ""
            request.provider = provider ?? ""
            request.disabled = enabled == false
            // Only what was given changes (the server applies the mask to the stored proxy, in one transaction).
            let given: [(String, Bool)] = [
                ("name", name != nil), ("protocol", proxyProtocol != nil), ("host", host != nil), ("port", port != nil),
                ("username", username != nil), ("password", passwordStdin || clearPassword), ("description", description != nil),
                ("city", city != nil), ("country_code", countryCode != nil), ("provider", provider != nil), ("disabled", enabled != nil),
            ]
            request.updateMask = given.filter(\.1).map(\.0)
            guard !request.updateMask.isEmpty else { throw ValidationError("nothing to change: give at least one option") }
            let proxy = try await connection.unary(Methods.updateProxy, request)
            print("updated proxy \(proxy.id) (\(proxy.`protocol`.name)://\(proxy.address), \(proxy.enabled ? "enabled" : "disabled"))")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a proxy.")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        func run() async throws {
            _ = try await connection.unary(Methods.deleteProxy, .init(id: id))
            print("deleted proxy \(id)")
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Fetch a URL through a proxy and record whether it is healthy.")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        @Option(help: "The URL to fetch (default: the server's --proxy-check-url).") var url = ""
        @Flag var json = false
        func run() async throws {
            let result = try await connection.unary(Methods.testProxy, TestProxyRequest(id: id, url: url))
            print(json ? try Output.json(CheckView(result)) : CheckView.line(result))
            if !result.healthy { throw ExitCode(1) }
        }
    }

    struct CheckAll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "check-all",
            abstract: "Check every enabled proxy, printing each result as it lands.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The URL to fetch (default: the server's --proxy-check-url).") var url = ""
        @Option(help: "Checks at once (default 8, at most 64).") var concurrency: UInt32 = 0
        @Flag(help: "One JSON object per line.") var json = false
        func run() async throws {
            let client = try await connection.connect()
            var (healthy, total) = (0, 0)
            try await connection.call {
                for try await result in try client.serverStream(Methods.checkAllProxies, CheckAllProxiesRequest(url: url, concurrency: concurrency)) {
                    total += 1
                    if result.healthy { healthy += 1 }
                    print(json ? try Output.json(CheckView(result), pretty: false) : CheckView.line(result))
                }
            }
            await client.close()
            if !json { print("\(healthy) of \(total) healthy") }
        }
    }

    /// `Proxy` as JSON: every field but the password, which no RPC returns.
    struct ProxyView: Encodable {
        let id, name, description, proxyProtocol, address, host, username: String
        let port: UInt32, hasPassword, enabled, healthy: Bool
        let lastStatus: String, lastCheckedAt: String?, latencyMs: UInt32
        let city, countryCode, provider, ownerID: String
        init(_ p: Proxy) {
            id = p.id; name = p.name; description = p.description; proxyProtocol = p.`protocol`.name; address = p.address
            host = p.host; username = p.username; port = p.port; hasPassword = p.hasPassword; enabled = p.enabled; healthy = p.healthy
            lastStatus = p.lastStatus; lastCheckedAt = p.lastCheckedAtMicros == 0 ? nil : Output.time(p.lastCheckedAtMicros)
            latencyMs = p.latencyMs; city = p.city; countryCode = p.countryCode; provider = p.provider; ownerID = p.ownerID
        }
    }

    /// `ProxyCheckResult` as JSON or one line.
    struct CheckView: Encodable {
        let proxyID, name, url, status, errorKind: String
        let healthy: Bool, statusCode, latencyMs: UInt32
        init(_ r: ProxyCheckResult) {
            proxyID = r.proxyID; name = r.name; url = r.url; status = r.status; errorKind = r.errorKind
            healthy = r.healthy; statusCode = r.statusCode; latencyMs = r.latencyMs
        }
        static func line(_ r: ProxyCheckResult) -> String {
            "\(r.healthy ? "healthy  " : "UNHEALTHY") \(r.name) (\(r.proxyID))  \(r.status)\(r.statusCode == 0 ? "" : "  \(r.latencyMs) ms")"
        }
    }
}
