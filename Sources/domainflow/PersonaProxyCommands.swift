import ArgumentParser
import DomainFlowClient
import DomainFlowWire
import Foundation
import Yams

struct PersonaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "persona", abstract: "DNS and HTTP personas.",
        subcommands: [Create.self, List.self, Show.self, Update.self, Delete.self, Test.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a persona from a JSON or YAML file, or a DNS persona from flags.")
        @OptionGroup var connection: ConnectionOptions
        @Argument var name: String
        @Option(help: "JSON/YAML: {\"dns\": {resolvers: [{address, weight}], rotation, recordTypes, timeoutMillis, ...}} or {\"http\": {userAgent, headers: [{name, value}], timeoutMillis, ...}} (fields as in personas.proto, camelCase).")
        var fromFile: String?
        @Option(help: "A DNS resolver host[:port] (repeatable), for a DNS persona without a file.") var resolver: [String] = []
        @Option(help: "Record types, comma-separated.") var recordTypes = "A"
        @Option(help: "Query timeout in milliseconds.") var timeoutMillis: UInt32 = 2000

        func run() async throws {
            var request: PersonaRequest
            if let fromFile {
                request = try PersonaFile.load(fromFile, name: name)
            } else {
                guard !resolver.isEmpty else { throw ValidationError("give --from-file, or at least one --resolver") }
                var dns = DnsPersona()
                dns.resolvers = resolver.map { Resolver(address: $0) }
                dns.recordTypes = recordTypes.split(separator: ",").map(String.init)
                dns.timeoutMillis = timeoutMillis
                request = PersonaRequest(name: name, dns: dns)
            }
            let persona = try await connection.unary(Methods.createPersona, request)
            print("created \(persona.kind.name) persona \(persona.id)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List personas.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "dns or http.") var kind: String?
        func run() async throws {
            var request = ListPersonasRequest()
            if let kind {
                guard let parsed = PersonaKind(name: kind) else { throw ValidationError("--kind must be dns or http") }
                request.kind = parsed
            }
            request.pageSize = 500
            let page = try await connection.unary(Methods.listPersonas, request)
            Output.table(["ID", "NAME", "KIND", "UPDATED"], page.personas.map { [$0.id, $0.name, $0.kind.name, Output.time($0.updatedAtMicros)] })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a persona as JSON.")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        func run() async throws {
            let persona = try await connection.unary(Methods.getPersona, IDRequest(id: id))
            print(try Output.json(PersonaFile.Body(name: persona.name, description: persona.description, dns: persona.dns, http: persona.http)))
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace a persona's configuration from a JSON or YAML file.")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        @Option(help: "The new configuration, as for create.") var fromFile: String
        @Option(help: "A new name (default: keep).") var name: String?
        func run() async throws {
            let current = try await connection.unary(Methods.getPersona, IDRequest(id: id))
            var request = try PersonaFile.load(fromFile, name: name ?? current.name)
            request.id = id
            let persona = try await connection.unary(Methods.updatePersona, request)
            print("updated \(persona.kind.name) persona \(persona.id)")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a persona.")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        func run() async throws {
            _ = try await connection.unary(Methods.deletePersona, IDRequest(id: id))
            print("deleted persona \(id)")
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resolve a name through each resolver of a DNS persona.")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        @Argument var name: String
        @Flag var json = false
        func run() async throws {
            let response = try await connection.unary(Methods.testDnsPersona, TestDnsPersonaRequest(id: id, name: name))
            if json {
                print(try Output.json(response.results.map {
                    ["resolver": $0.resolver, "record_type": $0.recordType, "outcome": "\($0.outcome)",
                     "answers": $0.answers.joined(separator: " "), "millis": "\($0.millis)", "error": $0.error]
                }))
                return
            }
            Output.table(["RESOLVER", "TYPE", "OUTCOME", "MS", "ANSWERS"], response.results.map {
                [$0.resolver, $0.recordType, "\($0.outcome)", "\($0.millis)", $0.answers.joined(separator: " ") + $0.error]
            })
        }
    }
}

/// A persona file: JSON or YAML (by extension), field names as the Swift model's (camelCase).
enum PersonaFile {
    struct Body: Codable {
        var name: String?
        var description: String?
        var dns: DnsPersona?
        var http: HttpPersona?
    }

    static func load(_ path: String, name: String) throws -> PersonaRequest {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
        let body: Body
        do {
            body = path.hasSuffix(".yaml") || path.hasSuffix(".yml")
                ? try YAMLDecoder().decode(Body.self, from: String(decoding: data, as: UTF8.self))
                : try JSONDecoder().decode(Body.self, from: data)
        } catch {
            throw CLIError("\(path): \(error)")
        }
        if let dns = body.dns, body.http == nil { return PersonaRequest(name: name, description: body.description ?? "", dns: dns) }
        if let http = body.http, body.dns == nil { return PersonaRequest(name: name, description: body.description ?? "", http: http) }
        throw CLIError("\(path): give exactly one of \"dns\" or \"http\"")
    }
}

struct ProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "proxy", abstract: "Proxies.",
        subcommands: [Create.self, List.self, Show.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a proxy (the password is read from stdin with --password-stdin).")
        @OptionGroup var connection: ConnectionOptions
        @Argument var name: String
        @Option(help: "http, https, socks5 or socks4.") var proxyProtocol: String
        @Option var host: String
        @Option var port: UInt32
        @Option var username = ""
        @Flag(help: "Read the proxy's password from stdin.") var passwordStdin = false
        @Option var countryCode = ""
        @Option var provider = ""
        func run() async throws {
            guard let parsed = ProxyProtocol(name: proxyProtocol) else { throw ValidationError("--proxy-protocol must be http, https, socks5 or socks4") }
            let password = passwordStdin ? try PasswordInput.read(prompt: "", fromStdin: true) : ""
            var request = ProxyRequest(name: name, proxyProtocol: parsed, host: host, port: port, username: username, password: password)
            request.countryCode = countryCode
            request.provider = provider
            let proxy = try await connection.unary(Methods.createProxy, request)
            print("created proxy \(proxy.id) (\(proxy.proxyProtocol.name)://\(proxy.address))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List proxies.")
        @OptionGroup var connection: ConnectionOptions
        @Flag var enabledOnly = false
        func run() async throws {
            var request = ListProxiesRequest()
            request.enabledOnly = enabledOnly
            request.pageSize = 500
            let page = try await connection.unary(Methods.listProxies, request)
            Output.table(["ID", "NAME", "PROTOCOL", "ADDRESS", "ENABLED", "HEALTHY", "LAST STATUS"], page.proxies.map {
                [$0.id, $0.name, $0.proxyProtocol.name, $0.address, $0.enabled ? "yes" : "no", $0.healthy ? "yes" : "no", $0.lastStatus]
            })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a proxy (never its password).")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        func run() async throws {
            let p = try await connection.unary(Methods.getProxy, IDRequest(id: id))
            print(try Output.json(["id": p.id, "name": p.name, "protocol": p.proxyProtocol.name, "address": p.address,
                                   "username": p.username, "has_password": "\(p.hasPassword)", "enabled": "\(p.enabled)",
                                   "healthy": "\(p.healthy)", "country_code": p.countryCode, "provider": p.provider]))
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a proxy.")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        func run() async throws {
            _ = try await connection.unary(Methods.deleteProxy, IDRequest(id: id))
            print("deleted proxy \(id)")
        }
    }
}
