import DomainFlowCore
import DomainFlowEngine
import DomainFlowStore
import DomainFlowWire
import Foundation

/// The personas service: create, get, list, full update, delete of DNS and HTTP personas.
/// Owner-scoped (another user's persona is NOT_FOUND; admins see all) and audited.
enum PersonasService {
    static func register(into router: inout Router, auth: Authenticator, secrets: SecretBox?) {
        let pool = auth.store.pool

        router.unary(Methods.createPersona) { request, context in
            let principal = try context.requirePrincipal()
            let values = try stored(request)
            return try await pool.withTransaction { c in
                let record = try c.run(Personas.create(values, ownerID: principal.userID))
                let persona = try info(record)
                try AuditRecorder.record(c, context: context, userID: principal.userID, action: "persona_create",
                                         resourceType: "persona", resourceID: record.id,
                                         details: ["name": persona.name, "kind": persona.kind.name])
                return persona
            }
        }

        router.unary(Methods.getPersona) { request, context in
            let principal = try context.requirePrincipal()
            let id = try Paging.uuid(request.id, field: "id")
            return try await pool.withConnection(retryTransient: true) { c in try find(c, id, principal) }
        }

        router.unary(Methods.listPersonas) { request, context in
            let principal = try context.requirePrincipal()
            let (limit, offset) = try Paging.bounds(request.pageSize, request.pageToken)
            let rows = try await pool.run(Personas.list(
                scope: principal.ownerScope, kind: request.kind == .unspecified ? nil : request.kind.name,
                nameContains: request.nameContains.isEmpty ? nil : request.nameContains, limit: limit + 1, offset: offset),
                retryTransient: true).map(info)
            let page = Paging.page(rows, limit: limit, offset: offset)
            return ListPersonasResponse(personas: page.items, nextPageToken: page.nextPageToken)
        }

        router.unary(Methods.updatePersona) { request, context in
            let principal = try context.requirePrincipal()
            let id = try Paging.uuid(request.id, field: "id")
            let full = request.updateMask.isEmpty ? try stored(request) : nil
            return try await pool.withTransaction { c in
                let current = try find(c, id, principal)
                let values = try full ?? stored(try masked(request, current: current))
                guard let updated = try c.run(Personas.update(id: id, values)) else {
                    throw RPCError(.notFound, "no persona \(id.lowercasedString)")
                }
                let persona = try info(updated)
                try AuditRecorder.record(c, context: context, userID: principal.userID, action: "persona_update",
                                         resourceType: "persona", resourceID: id, details: ["name": persona.name, "kind": persona.kind.name])
                return persona
            }
        }

        router.unary(Methods.testDnsPersona) { request, context in
            let principal = try context.requirePrincipal()
            let id = try Paging.uuid(request.id, field: "id")
            guard let name = Hostname.asciiName(request.name) else {
                throw RPCError.invalidArgument("name: '\(request.name)' is not a valid hostname")
            }
            let persona = try await pool.withConnection(retryTransient: true) { c in try find(c, id, principal) }
            guard let dns = persona.dns else { throw RPCError(.failedPrecondition, "persona \(persona.name) is not a DNS persona") }
            return TestDnsPersonaResponse(results: try await DNSPersonaTester.run(dns, name: name))
        }

        router.unary(Methods.testHttpPersona) { request, context in
            let principal = try context.requirePrincipal()
            let id = try Paging.uuid(request.id, field: "id")
            let url = try InputValidation.httpURL(request.url)
            let proxyID = request.proxyID.isEmpty ? nil : try Paging.uuid(request.proxyID, field: "proxy_id")
            let (persona, proxy) = try await pool.withConnection(retryTransient: true) { c in
                try httpFetchSetup(c, principal: principal, personaID: id, proxyID: proxyID, secrets: secrets)
            }
            guard let persona else { throw RPCError(.internal, "no persona settings") }  // httpFetchSetup returns one when asked for one
            return await HTTPPersonaTester.run(persona, url: url, proxy: proxy)
        }

        router.unary(Methods.deletePersona) { request, context in
            let principal = try context.requirePrincipal()
            let id = try Paging.uuid(request.id, field: "id")
            return try await pool.withTransaction { c in
                let persona = try find(c, id, principal)
                try CampaignResourceLinks.refuseDeleteIfInUse(c, id: id, as: [.dnsPersona, .httpPersona], what: "persona \(persona.name)")
                try c.run(Personas.delete(id: id))
                try AuditRecorder.record(c, context: context, userID: principal.userID, action: "persona_delete",
                                         resourceType: "persona", resourceID: id, details: ["name": persona.name])
                return persona
            }
        }
    }

    /// Validates a request into the stored values: name, description, kind, config, user_agent, accept_language, accept_encoding.
    private static func stored(_ request: PersonaRequest) throws -> PersonaValues {
        let name = try InputValidation.resourceName(request.name)
        let description = request.description.isEmpty ? nil : request.description
        switch request.kind {
        case .dns:
            guard let dns = request.dns, request.http == nil else { throw RPCError.invalidArgument("dns: required for a DNS persona (and http must be unset)") }
            let config = try PersonaValidation.dns(dns)
            return PersonaValues(name: name, description: description, kind: "dns", config: try json(config))
        case .http:
            guard let http = request.http, request.dns == nil else { throw RPCError.invalidArgument("http: required for an HTTP persona (and dns must be unset)") }
            let config = try PersonaValidation.http(http)
            return PersonaValues(name: name, description: description, kind: "http", config: try json(config),
                                 userAgent: config.userAgent.isEmpty ? nil : config.userAgent,
                                 acceptLanguage: config.acceptLanguage.isEmpty ? nil : config.acceptLanguage,
                                 acceptEncoding: config.acceptEncoding.isEmpty ? nil : config.acceptEncoding)
        case .unspecified:
            throw RPCError.invalidArgument("kind: must be PERSONA_DNS or PERSONA_HTTP")
        }
    }

    /// The current persona with the fields of `request.updateMask` taken from the request.
    private static func masked(_ request: PersonaRequest, current: Persona) throws -> PersonaRequest {
        let base = current.kind == .dns
            ? PersonaRequest(id: current.id, name: current.name, description: current.description, dns: current.dns ?? DnsPersona())
            : PersonaRequest(id: current.id, name: current.name, description: current.description, http: current.http ?? HttpPersona())
        return try PersonaRequest(fields: try PersonaRequest.mask.apply(request.updateMask, update: request.fields, to: base.fields))
    }

    private static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    private static func info(_ record: PersonaRecord) throws -> Persona {
        var p = Persona()
        p.id = record.id.lowercasedString
        p.name = record.name
        p.description = record.description ?? ""
        p.kind = PersonaKind(name: record.kind) ?? .unspecified
        p.ownerID = record.ownerID.lowercasedString
        let config = Data(record.config.utf8)
        switch p.kind {
        case .dns: p.dns = try JSONDecoder().decode(DnsPersona.self, from: config)
        case .http: p.http = try JSONDecoder().decode(HttpPersona.self, from: config)
        case .unspecified: break
        }
        p.createdAtMicros = record.createdAt.map(Micros.of) ?? 0
        p.updatedAtMicros = record.updatedAt.map(Micros.of) ?? 0
        return p
    }

    /// The persona, if the principal may see it (NOT_FOUND otherwise, whether or not it exists).
    /// Its statement locks the row (FOR UPDATE) for the updates and deletes that run it in a transaction;
    /// plain reads run it outside one, so the lock ends with the statement.
    /// The HTTP persona and the proxy a fetch runs with, as the principal may use them: NOT_FOUND for one
    /// it cannot see, FAILED_PRECONDITION for a persona that is not an HTTP persona.
    static func httpFetchSetup(_ c: PGConnection, principal: Principal, personaID: UUID?, proxyID: UUID?,
                               secrets: SecretBox?) throws -> (HttpPersona?, ProxyEndpoint?) {
        var http: HttpPersona?
        if let personaID {
            let persona = try find(c, personaID, principal)
            guard let settings = persona.http else { throw RPCError(.failedPrecondition, "persona \(persona.name) is not an HTTP persona") }
            http = settings
        }
        guard let proxyID else { return (http, nil) }
        guard let proxy = try ProxyChecker.targets(c, principal: principal, id: proxyID, secrets: secrets).first else {
            throw RPCError(.notFound, "no proxy \(proxyID.lowercasedString)")
        }
        return (http, try proxy.endpoint.get())
    }

    private static func find(_ c: PGConnection, _ id: UUID, _ principal: Principal) throws -> Persona {
        guard let record = try c.run(Personas.find(id: id, scope: principal.ownerScope)) else {
            throw RPCError(.notFound, "no persona \(id.lowercasedString)")
        }
        return try info(record)
    }
}
