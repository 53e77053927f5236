import ArgumentParser
import DomainFlowClient
import DomainFlowWire
import Foundation
import Yams

struct PersonaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "persona", abstract: "DNS and HTTP personas.",
        subcommands: [Create.self, List.self, Show.self, Update.self, Delete.self, Test.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a persona from a JSON or YAML file, or from flags.",
            discussion: """
            DNS from flags:  persona create lab --resolver 127.0.0.1:5353 --record-types A,MX
            HTTP from flags: persona create browser --kind http --user-agent 'Mozilla/5.0' --header 'Accept: text/html' --follow-redirects
            """)
        @OptionGroup var connection: ConnectionOptions
        @Argument var name: String
        @Option(help: "JSON/YAML: {\"dns\": {resolvers: [{address, weight}], rotation, recordTypes, timeoutMillis, ...}} or {\"http\": {userAgent, headers: [{name, value}], timeoutMillis, ...}} (fields as in personas.proto, camelCase).")
        var fromFile: String?
        @Option(help: "dns or http (default: dns when --resolver is given, http when --user-agent or --header is).") var kind: String?
        @Option(help: "Description.") var description = ""
        @Option(help: "Request or query timeout in milliseconds (default: 2000 for DNS, 10000 for HTTP).") var timeoutMillis: UInt32?
        @OptionGroup(title: "DNS") var dnsFlags: DNSFlags
        @OptionGroup(title: "HTTP") var httpFlags: HTTPFlags
        @Flag var json = false

        /// Flags beside --from-file: the request fields each flag overrides, in the file's `part` ("dns" or "http").
        static func flagPaths(part: String) -> [String: [String]] {
            var paths: [String: [String]] = ["description": ["description"], "timeout-millis": ["\(part).timeout_millis"]]
            if part == "dns" {
                for (flag, field) in [("resolver", "resolvers"), ("record-types", "record_types"), ("rotation", "rotation"),
                                      ("retries", "retries"), ("concurrency", "concurrency"), ("queries-per-second", "queries_per_second"),
                                      ("burst", "burst"), ("nxdomain-quorum", "nxdomain_quorum")] {
                    paths[flag] = ["dns.\(field)"]
                }
                paths["delay"] = ["dns.delay_min_millis", "dns.delay_max_millis"]
            } else {
                for (flag, field) in [("user-agent", "user_agent"), ("header", "headers"), ("accept-language", "accept_language"),
                                      ("accept-encoding", "accept_encoding"), ("follow-redirects", "follow_redirects"),
                                      ("max-redirects", "max_redirects"), ("allowed-status", "allowed_status_codes"),
                                      ("max-body-bytes", "max_body_bytes"), ("skip-tls-verification", "skip_tls_verification"),
                                      ("keep-cookies", "keep_cookies")] {
                    paths[flag] = ["http.\(field)"]
                }
            }
            return paths
        }

        func run() async throws {
            var request: PersonaRequest
            if let fromFile {
                request = try PersonaFile.load(fromFile, name: name, flags: self)
            } else {
                let inferred = kind ?? (!dnsFlags.resolver.isEmpty ? "dns" : httpFlags.isSet ? "http" : nil)
                switch inferred {
                case "dns":
                    request = PersonaRequest(name: name, dns: try dnsFlags.persona(timeoutMillis: timeoutMillis ?? 2000))
                case "http":
                    request = PersonaRequest(name: name, http: try httpFlags.persona(timeoutMillis: timeoutMillis ?? 10_000))
                default:
                    throw ValidationError("give --from-file, --kind dns|http, a --resolver (DNS) or a --user-agent / --header (HTTP)")
                }
            }
            if !description.isEmpty { request.description = description }
            let persona = try await connection.unary(Methods.createPersona, request)
            print(json ? try Output.json(PersonaFile.Body(persona)) : "created \(persona.kind.name) persona \(persona.id)")
        }
    }

    struct DNSFlags: ParsableArguments {
        @Option(help: "A DNS resolver host[:port] (repeatable).") var resolver: [String] = []
        @Option(help: "Record types, comma-separated.") var recordTypes = "A"
        @Option(help: "round_robin, random, weighted or sequential_failover.") var rotation = "round_robin"
        @Option(help: "Retries of a failed query (SERVFAIL, REFUSED, timeout), each on another resolver where there is one.")
        var retries: UInt32 = 2
        @Option(help: "Queries in flight at most (the window; it shrinks when the servers push back).") var concurrency: UInt32 = 100
        @Option(help: "Queries per second at most for the campaign on this server (0: unlimited).") var queriesPerSecond: UInt32 = 0
        @Option(help: "Queries that may go at once after a pause (default: the rate).") var burst: UInt32 = 0
        @Option(help: "Resolvers that must agree before NXDOMAIN is believed.") var nxdomainQuorum: UInt32 = 1
        @Option(help: "A random delay before each name's first query, \"MIN-MAX\" milliseconds.") var delay: String?

        func persona(timeoutMillis: UInt32, requireResolvers: Bool = true) throws -> DnsPersona {
            guard !resolver.isEmpty || !requireResolvers else { throw ValidationError("a DNS persona needs at least one --resolver") }
            var dns = DnsPersona()
            dns.resolvers = resolver.map { Resolver(address: $0) }
            dns.recordTypes = recordTypes.split(separator: ",").map(String.init)
            dns.timeoutMillis = timeoutMillis
            let rotations: [String: ResolverRotation] = ["round_robin": .roundRobin, "random": .random, "weighted": .weighted,
                                                         "sequential_failover": .sequentialFailover]
            guard let chosen = rotations[rotation] else {
                throw ValidationError("--rotation must be one of \(rotations.keys.sorted().joined(separator: ", "))")
            }
            dns.rotation = chosen
            dns.retries = retries
            dns.concurrency = concurrency
            dns.queriesPerSecond = queriesPerSecond
            dns.burst = burst
            dns.nxdomainQuorum = nxdomainQuorum
            if let delay {
                let parts = delay.split(separator: "-").compactMap { UInt32($0) }
                guard parts.count == 2 else { throw ValidationError("--delay must be MIN-MAX in milliseconds, e.g. 10-50") }
                dns.delayMinMillis = parts[0]
                dns.delayMaxMillis = parts[1]
            }
            return dns
        }
    }

    struct HTTPFlags: ParsableArguments {
        @Option(help: "User-Agent header.") var userAgent = ""
        @Option(help: "A header 'Name: value', sent in the order given (repeatable).") var header: [String] = []
        @Option var acceptLanguage = ""
        @Option var acceptEncoding = ""
        @Flag(help: "Follow redirects.") var followRedirects = false
        @Option(help: "Redirects followed at most.") var maxRedirects: UInt32 = 5
        @Option(help: "Allowed status codes, comma-separated (default: 200-399).") var allowedStatus = ""
        @Option(help: "Body bytes read at most (default: 1 MiB).") var maxBodyBytes: UInt64 = 0
        @Flag(help: "Do not verify TLS certificates.") var skipTLSVerification = false
        @Flag(help: "Send cookies set by a response back on its redirects.") var keepCookies = false

        var isSet: Bool { !userAgent.isEmpty || !header.isEmpty }

        func persona(timeoutMillis: UInt32) throws -> HttpPersona {
            var http = HttpPersona()
            http.userAgent = userAgent
            http.headers = try header.map { line in
                guard let colon = line.firstIndex(of: ":") else { throw ValidationError("--header '\(line)' is not 'Name: value'") }
                return HttpHeader(name: String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                                  value: String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
            }
            http.acceptLanguage = acceptLanguage
            http.acceptEncoding = acceptEncoding
            http.timeoutMillis = timeoutMillis
            http.followRedirects = followRedirects
            http.maxRedirects = maxRedirects
            http.allowedStatusCodes = try allowedStatus.split(separator: ",").map {
                guard let code = UInt32($0.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("--allowed-status: '\($0)' is not a number") }
                return code
            }
            http.maxBodyBytes = maxBodyBytes
            http.skipTLSVerification = skipTLSVerification
            http.keepCookies = keepCookies
            return http
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List personas.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "dns or http.") var kind: String?
        @Flag var json = false
        func run() async throws {
            var request = ListPersonasRequest()
            if let kind {
                guard let parsed = PersonaKind(name: kind) else { throw ValidationError("--kind must be dns or http") }
                request.kind = parsed
            }
            request.pageSize = 500
            let page = try await connection.unary(Methods.listPersonas, request)
            if json { print(try Output.json(page.personas.map(PersonaFile.Body.init))); return }
            Output.table(["ID", "NAME", "KIND", "UPDATED"], page.personas.map { [$0.id, $0.name, $0.kind.name, Output.time($0.updatedAtMicros)] })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a persona as JSON.")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        func run() async throws {
            let persona = try await connection.unary(Methods.getPersona, .init(id: id))
            print(try Output.json(PersonaFile.Body(persona)))
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace a persona's configuration from a JSON or YAML file, or change single fields.",
            discussion: "persona update ID --from-file p.yaml   |   persona update ID --set http.user_agent='Mozilla/5.0' --name browser2")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        @Option(help: "The new configuration, as for create (replaces it all).") var fromFile: String?
        @Option(help: "A new name (default: keep).") var name: String?
        @Option(help: "A new description.") var description: String?
        @Option(help: "FIELD=VALUE for one field of the dns or http part, e.g. http.timeout_millis=5000 or dns.record_types=A,MX (repeatable).")
        var set: [String] = []
        func run() async throws {
            let current = try await connection.unary(Methods.getPersona, .init(id: id))
            var request: PersonaRequest
            if let fromFile {
                guard set.isEmpty else { throw ValidationError("--set and --from-file do not mix") }
                request = try PersonaFile.load(fromFile, name: name ?? current.name)
                if let description { request.description = description }
            } else {
                request = current.kind == .dns ? PersonaRequest(name: name ?? "", dns: DnsPersona()) : PersonaRequest(name: name ?? "", http: HttpPersona())
                request.description = description ?? ""
                request.updateMask = (name == nil ? [] : ["name"]) + (description == nil ? [] : ["description"])
                for assignment in set {
                    let path = try PersonaFieldSetter.apply(assignment, to: &request)
                    request.updateMask.append(path)
                }
                guard !request.updateMask.isEmpty else { throw ValidationError("nothing to change: give --from-file, --name, --description or --set") }
            }
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
            _ = try await connection.unary(Methods.deletePersona, .init(id: id))
            print("deleted persona \(id)")
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a persona for real.",
            discussion: """
            A DNS persona resolves TARGET (a name) through each of its resolvers.
            An HTTP persona fetches TARGET (a URL), directly or through --proxy.
            """)
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        @Argument(help: "A name for a DNS persona, a URL for an HTTP persona.") var target: String
        @Option(help: "A proxy id to fetch through (HTTP personas).") var proxy = ""
        @Flag var json = false

        func run() async throws {
            let persona = try await connection.unary(Methods.getPersona, .init(id: id))
            if persona.kind == .http {
                let r = try await connection.unary(Methods.testHttpPersona, TestHttpPersonaRequest(id: id, url: target, proxyID: proxy))
                if json { print(try Output.json(HTTPTestView(r))); return }
                guard r.errorKind.isEmpty else { throw CLIError("no response (\(r.errorKind)): \(r.error)") }
                print("\(r.statusCode) \(r.reason)  \(r.allowed ? "allowed" : "not allowed by the persona")  \(r.millis) ms  \(r.bytesRead) bytes\(r.truncated ? " (truncated)" : "")")
                for hop in r.redirects { print("  redirected from \(hop)") }
                print("  final URL \(r.finalURL)")
                for h in r.headers { print("  \(h.name): \(h.value)") }
                return
            }
            guard proxy.isEmpty else { throw ValidationError("--proxy applies to HTTP personas only") }
            let response = try await connection.unary(Methods.testDnsPersona, TestDnsPersonaRequest(id: id, name: target))
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

    /// `TestHttpPersonaResponse` as JSON.
    struct HTTPTestView: Encodable {
        let allowed: Bool, statusCode: UInt32, reason: String, finalURL: String, redirects: [String]
        let headers: [HttpHeader], bytesRead: UInt64, truncated: Bool, millis: UInt32, errorKind: String, error: String
        init(_ r: TestHttpPersonaResponse) {
            allowed = r.allowed; statusCode = r.statusCode; reason = r.reason; finalURL = r.finalURL; redirects = r.redirects
            headers = r.headers; bytesRead = r.bytesRead; truncated = r.truncated; millis = r.millis; errorKind = r.errorKind; error = r.error
        }
    }
}

/// A persona file: JSON or YAML (by extension), field names as the Swift model's (camelCase).
enum PersonaFile {
    struct Body: Codable {
        var id: String?
        var name: String?
        var description: String?
        var dns: DnsPersona?
        var http: HttpPersona?
    }

    /// A persona request from a file (a PersonaRequest in protobuf's JSON mapping; `kind` follows from `dns` or `http`).
    static func load(_ path: String, name: String, flags create: PersonaCommand.Create? = nil) throws -> PersonaRequest {
        var file = try MessageFile.fields(path, for: Methods.createPersona)
        if file[4] == nil { file[4] = file[5] != nil ? .int(1) : file[6] != nil ? .int(2) : nil }
        if let create {
            // Flags beside the file: the description, the timeout, and each DNS or HTTP flag given override the file.
            var flags = PersonaRequest(name: name, description: create.description,
                                       dns: try create.dnsFlags.persona(timeoutMillis: create.timeoutMillis ?? 0, requireResolvers: false))
            flags.http = try create.httpFlags.persona(timeoutMillis: create.timeoutMillis ?? 0)
            let part = file[6] != nil ? "http" : "dns"
            file = try FileOverrides(paths: PersonaCommand.Create.flagPaths(part: part)).apply(file: file, flags: flags.fields, for: Methods.createPersona)
        }
        var request: PersonaRequest = try MessageFile.request(file, from: path)
        request.name = name
        guard (request.dns != nil) != (request.http != nil) else { throw CLIError("\(path): give exactly one of \"dns\" or \"http\"") }
        return request
    }
}

extension PersonaFile.Body {
    init(_ persona: Persona) {
        self.init(id: persona.id, name: persona.name, description: persona.description, dns: persona.dns, http: persona.http)
    }
}

/// `persona update --set PATH=VALUE`: one scalar or list field of a persona's dns or http part, by its
/// .proto name. The server validates the value like any other.
enum PersonaFieldSetter {
    static func apply(_ assignment: String, to request: inout PersonaRequest) throws -> String {
        guard let equals = assignment.firstIndex(of: "=") else { throw ValidationError("--set takes FIELD=VALUE, e.g. http.timeout_millis=5000") }
        let path = String(assignment[..<equals]), value = String(assignment[assignment.index(after: equals)...])
        func number<T: FixedWidthInteger>(_: T.Type) throws -> T {
            guard let n = T(value) else { throw ValidationError("--set \(path): '\(value)' is not a number") }
            return n
        }
        func flag() throws -> Bool {
            guard let b = Bool(value.lowercased()) else { throw ValidationError("--set \(path): true or false") }
            return b
        }
        let list = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        switch path {
        case "http.user_agent": request.http?.userAgent = value
        case "http.accept_language": request.http?.acceptLanguage = value
        case "http.accept_encoding": request.http?.acceptEncoding = value
        case "http.timeout_millis": request.http?.timeoutMillis = try number(UInt32.self)
        case "http.follow_redirects": request.http?.followRedirects = try flag()
        case "http.max_redirects": request.http?.maxRedirects = try number(UInt32.self)
        case "http.max_body_bytes": request.http?.maxBodyBytes = try number(UInt64.self)
        case "http.skip_tls_verification": request.http?.skipTLSVerification = try flag()
        case "http.keep_cookies": request.http?.keepCookies = try flag()
        case "http.requests_per_second": request.http?.requestsPerSecond = try number(UInt32.self)
        case "http.allowed_status_codes":
            request.http?.allowedStatusCodes = try list.map { guard let code = UInt32($0) else { throw ValidationError("--set \(path): '\($0)'") }; return code }
        case "dns.record_types": request.dns?.recordTypes = list
        case "dns.resolvers": request.dns?.resolvers = list.map { Resolver(address: $0) }
        case "dns.timeout_millis": request.dns?.timeoutMillis = try number(UInt32.self)
        case "dns.retries": request.dns?.retries = try number(UInt32.self)
        case "dns.concurrency": request.dns?.concurrency = try number(UInt32.self)
        case "dns.queries_per_second": request.dns?.queriesPerSecond = try number(UInt32.self)
        case "dns.burst": request.dns?.burst = try number(UInt32.self)
        case "dns.nxdomain_quorum": request.dns?.nxdomainQuorum = try number(UInt32.self)
        default: throw ValidationError("--set: '\(path)' is not a field --set knows for this persona (see personas.proto; use --from-file for the rest)")
        }
        let kind = path.hasPrefix("http.") ? PersonaKind.http : .dns
        guard kind == request.kind else { throw ValidationError("--set \(path): this is a \(request.kind.name.uppercased()) persona") }
        return path
    }
}
