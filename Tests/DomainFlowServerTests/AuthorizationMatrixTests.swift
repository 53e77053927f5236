import DomainFlowClient
@testable import DomainFlowServer
import DomainFlowWire
import Foundation
import Testing

/// Every method of the server's method table × every kind of caller, with requests built from each
/// method's request type (read from the protobuf descriptors), so that a new method is covered
/// without editing this test.
///
/// Callers: anonymous, a viewer, a user (alice, who owns the resources), another user (bob, on
/// alice's resources) and an admin. A call refused for its access must be UNAUTHENTICATED or
/// PERMISSION_DENIED; a call naming alice's resources from someone who may not see them must be
/// NOT_FOUND; an answer never carries an id of alice's to anyone who may not see it.
@Suite struct AuthorizationMatrixTests {
    /// A message carried as its raw fields, whatever its type.
    struct RawMessage: WireMessage {
        var fields: ProtoFields
        init(fields: ProtoFields) { self.fields = fields }
    }

    enum Caller: String, CaseIterable {
        case anonymous, viewer, owner, otherUser, admin
    }

    struct Owned {
        let campaign, dnsPersona, httpPersona, proxy, keywordSet: String
        /// A user the admin methods act on (users are not owned, so they are not in `all`).
        let user: String
        var all: Set<String> { [campaign, dnsPersona, httpPersona, proxy, keywordSet] }
    }

    typealias Entry = (number: UInt32, name: String, access: Access, streams: Bool)

    @Test func everyMethodAsEveryCaller() async throws {
        try await AuthHarness.with(secrets: .random()) { h in
            let table = h.server.server.methodTable
            // A method of the protocol that the server does not serve has no declared access.
            let served = Set(table.map(\.number))
            for number in ProtoSchema.methodNumbers {
                #expect(served.contains(number), "method \(number) of the protocol has no entry (and no access) in the method table")
            }
            #expect(table.count >= 50, "the table lists the methods: \(table.count)")

            let password = "a long enough password"
            for (name, role) in [("viewer", Role.viewer), ("alice", .user), ("bob", .user)] {
                _ = try await h.createUser(name, role: role, password: password)
            }
            let victim = try await h.createUser("victim", password: password)
            let alice = try await h.client("alice", password)
            let owned = try await Self.resources(of: alice, user: victim.id)
            await alice.close()

            var builder = RequestBuilder(owned: owned, loginPassword: password)
            let logins: [Caller: (String, String)] = [
                .viewer: ("viewer", password), .owner: ("alice", password), .otherUser: ("bob", password),
                .admin: ("admin", h.adminPassword),
            ]

            // Refused callers first, while all of alice's resources exist; then the allowed ones,
            // whose calls may change or delete them.
            for callers in [[Caller.anonymous, .viewer, .otherUser], [.owner, .admin]] {
                for entry in table {
                    for caller in callers {
                        let request = builder.request(for: entry)
                        let client = try await h.server.client(name: "matrix")
                        if let login = logins[caller] {
                            client.authToken = try await client.unary(Methods.login,
                                                                      LoginRequest(login: login.0, password: login.1)).token
                        }
                        let outcome = await Self.call(client, entry, request.fields)
                        await client.close()
                        Self.check(outcome, entry: entry, caller: caller, refersToOwned: request.refersToOwned, owned: owned)
                    }
                }
                if callers.contains(.otherUser) {
                    // Nothing the refused callers sent changed alice's resources.
                    let alice = try await h.client("alice", password)
                    #expect(try await alice.unary(Methods.getCampaign, .init(id: owned.campaign)).status == .pending)
                    for id in [owned.dnsPersona, owned.httpPersona] { _ = try await alice.unary(Methods.getPersona, .init(id: id)) }
                    #expect(try await alice.unary(Methods.getProxy, .init(id: owned.proxy)).enabled)
                    #expect(try await alice.unary(Methods.getKeywordSet, .init(id: owned.keywordSet)).rules.count == 1)
                    await alice.close()
                }
            }
        }
    }

    /// Alice's campaign (a pending pipeline), personas of both kinds, a proxy and a keyword set.
    static func resources(of client: DomainFlowClient, user: String) async throws -> Owned {
        let f = try await CampaignResourceTests.fixture(client)
        let campaign = try await client.unary(Methods.createCampaign, CreateCampaignRequest(name: "alice's",
            type: .domainGeneration, generation: CampaignTests.generation(count: 6), pipeline: [.dnsValidation, .httpKeywordValidation]).with(f.resources))
        return Owned(campaign: campaign.id, dnsPersona: f.dns, httpPersona: f.http, proxy: f.proxy,
                     keywordSet: f.keywords, user: user)
    }

    enum Outcome {
        case ok([ProtoFields])
        case failed(RPCError)
    }

    /// Calls `entry` with `fields`; a stream is read for its first few messages.
    static func call(_ client: DomainFlowClient, _ entry: Entry, _ fields: ProtoFields) async -> Outcome {
        let method = Method<RawMessage, RawMessage>(number: entry.number, name: entry.name,
                                                    kind: entry.streams ? .serverStreaming : .unary)
        do {
            if !entry.streams {
                return .ok([try await client.unary(method, RawMessage(fields: fields), timeout: .seconds(30)).fields])
            }
            var messages: [ProtoFields] = []
            for try await message in try client.serverStream(method, RawMessage(fields: fields), timeout: .seconds(30)) {
                messages.append(message.fields)
                if messages.count == 3 { break }
            }
            return .ok(messages)
        } catch let error as RPCError {
            return .failed(error)
        } catch {
            return .failed(RPCError(.unknown, "\(error)"))
        }
    }

    static func check(_ outcome: Outcome, entry: Entry, caller: Caller, refersToOwned: Bool, owned: Owned) {
        let cell = "\(entry.name) (\(entry.number)) as \(caller.rawValue)"
        let expected: StatusCode? = switch (caller, entry.access) {
        case (_, .anonymous): nil
        case (.anonymous, _): .unauthenticated
        case (.viewer, .writer), (.viewer, .admin), (.owner, .admin), (.otherUser, .admin): .permissionDenied
        case (.viewer, _), (.otherUser, _): refersToOwned ? .notFound : nil
        case (.owner, _), (.admin, _): nil
        }
        switch outcome {
        case .failed(let error):
            if let expected {
                #expect(error.code == expected, "\(cell): expected \(expected), got \(error)")
            } else {
                #expect(error.code != .unauthenticated && error.code != .permissionDenied && error.code != .unknown,
                        "\(cell): refused although allowed: \(error)")
            }
        case .ok(let messages):
            if let expected { Issue.record("\(cell): expected \(expected), the call succeeded") }
            if caller != .owner, caller != .admin {
                let leaked = messages.flatMap(strings).filter { value in owned.all.contains { value.contains($0) } }
                #expect(leaked.isEmpty, "\(cell): the answer carries alice's ids: \(leaked)")
            }
        }
    }

    /// Every string in `fields`, nested messages and lists included.
    static func strings(_ fields: ProtoFields) -> [String] {
        func values(_ value: ProtoValue) -> [String] {
            switch value {
            case .string(let s): [s]
            case .message(let m): strings(m)
            case .list(let l): l.flatMap(values)
            default: []
            }
        }
        return fields.entries.flatMap { values($0.value) }
    }
}

/// Builds a valid request for any method from its request type's descriptor: id fields name the
/// owner's resources (by field name, or by the method's service for a bare `id`), `name` fields get a
/// fresh name, and the few types that need more to be valid start from a sample.
struct RequestBuilder {
    let owned: AuthorizationMatrixTests.Owned
    let loginPassword: String
    private var counter = 0

    init(owned: AuthorizationMatrixTests.Owned, loginPassword: String) {
        self.owned = owned
        self.loginPassword = loginPassword
    }

    mutating func request(for entry: AuthorizationMatrixTests.Entry) -> (fields: ProtoFields, refersToOwned: Bool) {
        guard let schema = ProtoSchema.request(ofMethod: entry.number) else {
            Issue.record("\(entry.name) (\(entry.number)) is served but not in the protocol's Request oneof")
            return (ProtoFields(), false)
        }
        counter += 1
        let (sample, keepEmpty) = sample(schema.fullName)
        var fields = sample
        for field in schema.fieldList where field.kind == .string && fields[field.number] == nil && !keepEmpty.contains(field.name) {
            let value: String?
            if field.name == "name" {
                value = "matrix\(counter).dftest.example"
            } else if field.name == "id" || field.name.hasSuffix("_id") || field.name.hasSuffix("_ids") {
                value = resource(field: field.name, method: entry)
            } else {
                value = nil
            }
            if let value { fields[field.number] = field.isRepeated ? .list([.string(value)]) : .string(value) }
        }
        let refers = AuthorizationMatrixTests.strings(fields).contains { owned.all.contains($0) }
        return (fields, refers)
    }

    /// The owner's resource an id field names; nil where the field is a filter to leave empty.
    private func resource(field: String, method: AuthorizationMatrixTests.Entry) -> String? {
        switch field {
        case "id":
            if method.name.hasPrefix("Create") { return nil }
            switch method.number {
            case 32...63: return owned.user
            case 64...95: return owned.campaign
            case 96...127: return method.name.contains("Http") ? owned.httpPersona : owned.dnsPersona
            case 128...159: return owned.proxy
            case 160...191: return owned.keywordSet
            default: break
            }
        case "source_campaign_id", "campaign_id": return owned.campaign
        case "dns_persona_ids": return owned.dnsPersona
        case "http_persona_ids", "persona_id": return owned.httpPersona
        case "proxy_id", "proxy_ids": return owned.proxy
        case "keyword_set_id", "keyword_set_ids": return owned.keywordSet
        case "user_id", "resource_id": return nil  // the audit log's filters
        default: break
        }
        Issue.record("\(method.name): the matrix does not know what `\(field)` refers to; teach RequestBuilder.resource")
        return nil
    }

    /// Fields a type needs to be valid beyond ids and names, and the id fields to leave empty.
    private func sample(_ fullName: String) -> (ProtoFields, Set<String>) {
        let name = ProtoValue.string("matrix\(counter)")
        switch fullName {
        case "domainflow.v1.CreateCampaignRequest":
            var request = CreateCampaignRequest(name: "matrix\(counter)", type: .domainGeneration, generation: CampaignTests.generation(count: 6),
                                                pipeline: [.dnsValidation, .httpKeywordValidation])
            request.resources = CampaignResources(dnsPersonaIDs: [owned.dnsPersona], httpPersonaIDs: [owned.httpPersona],
                                                  proxyIDs: [owned.proxy], keywordSetIDs: [owned.keywordSet])
            return (request.fields, ["source_campaign_id"])
        case "domainflow.v1.PreviewGenerationRequest":
            return ([1: .message(CampaignTests.generation(count: 6).fields)], [])
        case "domainflow.v1.PersonaRequest":
            return (PersonaRequest(name: "matrix\(counter)", dns: PersonaTests.dns()).fields, [])
        case "domainflow.v1.ProxyRequest":
            return (ProxyRequest(name: "matrix\(counter)", protocol: .http, host: "127.0.0.1", port: 9).fields, [])
        case "domainflow.v1.CreateKeywordSetRequest", "domainflow.v1.UpdateKeywordSetRequest":
            var request = UpdateKeywordSetRequest(id: "")
            request.replaceRules = true
            request.rules = [KeywordRule(keyword: "sale")]
            let rules = request.fields
            return fullName.hasSuffix("CreateKeywordSetRequest") ? ([1: name, 3: rules[6]], []) : ([5: .bool(true), 6: rules[6]], ["name"])
        case "domainflow.v1.CreateUserRequest":
            return ([1: name, 2: .string("matrix\(counter)@example.com"), 3: .string(loginPassword)], [])
        case "domainflow.v1.LoginRequest":
            return ([1: .string("victim"), 2: .string(loginPassword)], [])
        case "domainflow.v1.ResetPasswordRequest":
            return ([2: .string("another long password \(counter)")], [])
        case "domainflow.v1.AppendCampaignInputRequest":
            return ([2: .uint(1), 3: .list([.string("a.dftest.example")])], [])
        case "domainflow.v1.TestKeywordSetRequest", "domainflow.v1.TestHttpPersonaRequest", "domainflow.v1.TestProxyRequest":
            let url = ProtoValue.string("http://127.0.0.1:9/")
            return (fullName.hasSuffix("TestKeywordSetRequest") ? [3: url] : [2: url], [])
        case "domainflow.v1.WatchCampaignRequest", "domainflow.v1.WatchServerStatsRequest":
            return (fullName.hasSuffix("WatchCampaignRequest") ? [2: .uint(50)] : [1: .uint(50), 2: .uint(2)], [])
        case "domainflow.v1.ExportCampaignResultsRequest":
            return ([2: .int(Int64(ExportFormat.jsonl.rawValue))], [])
        case "domainflow.v1.PurgeAuditLogsRequest":
            return ([1: .uint(3650)], [])
        default:
            return (ProtoFields(), [])
        }
    }
}
