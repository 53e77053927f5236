import DomainFlowEngine
import DomainFlowStore
import DomainFlowWire
import Foundation

/// The keyword sets service: create, get, list, update (partial or full), delete. Owner-scoped
/// (another user's set is NOT_FOUND; admins see all) and audited.
enum KeywordSetsService {
    static func register(into router: inout Router, auth: Authenticator, secrets: SecretBox?) {
        let pool = auth.store.pool

        router.unary(Methods.createKeywordSet) { request, context in
            let principal = try context.requirePrincipal()
            let name = try InputValidation.resourceName(request.name)
            let rules = try request.rules.enumerated().map { try KeywordRuleValidation.validated($1, index: $0) }
            return try await pool.withTransaction { c in
                let id = try c.run(KeywordSets.create(name: name, description: request.description.isEmpty ? nil : request.description,
                                                      ownerID: principal.userID)).id
                try insertRules(c, id, rules)
                try AuditRecorder.record(c, context: context, userID: principal.userID, action: "keyword_set_create",
                                         resourceType: "keyword_set", resourceID: id, details: ["name": name, "rules": rules.count])
                return try load(c, id, principal: principal)
            }
        }

        router.unary(Methods.getKeywordSet) { request, context in
            let principal = try context.requirePrincipal()
            let id = try Paging.uuid(request.id, field: "id")
            return try await pool.withConnection(retryTransient: true) { c in try load(c, id, principal: principal) }
        }

        router.unary(Methods.listKeywordSets) { request, context in
            let principal = try context.requirePrincipal()
            let (limit, offset) = try Paging.bounds(request.pageSize, request.pageToken)
            let sets = try await pool.run(KeywordSets.list(scope: principal.ownerScope,
                                                           nameContains: request.nameContains.isEmpty ? nil : request.nameContains,
                                                           limit: limit + 1, offset: offset), retryTransient: true).map(setInfo)
            let page = Paging.page(sets, limit: limit, offset: offset)
            return ListKeywordSetsResponse(sets: page.items, nextPageToken: page.nextPageToken)
        }

        router.unary(Methods.updateKeywordSet) { request, context in
            let principal = try context.requirePrincipal()
            let id = try Paging.uuid(request.id, field: "id")
            let name = request.name.isEmpty ? nil : try InputValidation.resourceName(request.name)
            let rules = request.replaceRules
                ? try request.rules.enumerated().map { try KeywordRuleValidation.validated($1, index: $0) } : []
            return try await pool.withTransaction { c in
                _ = try load(c, id, principal: principal)  // NOT_FOUND unless visible; locks the row
                try c.run(KeywordSets.update(id: id, name: name, setDescription: request.setDescription,
                                             description: request.description.isEmpty ? nil : request.description))
                if request.replaceRules {
                    try c.run(KeywordSets.deleteRules(of: id))
                    try insertRules(c, id, rules)
                }
                var changes: [String: Any] = [:]
                if let name { changes["name"] = name }
                if request.setDescription { changes["description"] = request.description }
                if request.replaceRules { changes["rules"] = rules.count }
                try AuditRecorder.record(c, context: context, userID: principal.userID, action: "keyword_set_update",
                                         resourceType: "keyword_set", resourceID: id, details: ["changes": changes])
                return try load(c, id, principal: principal)
            }
        }

        router.unary(Methods.testKeywordSet) { request, context in
            try await test(request, principal: try context.requirePrincipal(), pool: pool, secrets: secrets)
        }

        router.unary(Methods.deleteKeywordSet) { request, context in
            let principal = try context.requirePrincipal()
            let id = try Paging.uuid(request.id, field: "id")
            return try await pool.withTransaction { c in
                let set = try load(c, id, principal: principal)
                try CampaignResourceLinks.refuseDeleteIfInUse(c, id: id, as: [.keywordSet], what: "keyword set \(set.name)")
                try c.run(KeywordSets.delete(id: id))  // rules cascade
                try AuditRecorder.record(c, context: context, userID: principal.userID, action: "keyword_set_delete",
                                         resourceType: "keyword_set", resourceID: id, details: ["name": set.name])
                return set
            }
        }
    }

    private static func insertRules(_ c: PGConnection, _ setID: UUID, _ rules: [KeywordRule]) throws {
        guard !rules.isEmpty else { return }
        try c.copy(KeywordSets.copyRules(into: setID), rules.enumerated().map { index, rule in
            NewKeywordRule(keyword: rule.keyword, kind: rule.kind.effectiveName, caseSensitive: rule.caseSensitive,
                           weight: rule.weight, isActive: !rule.inactive, category: rule.category.isEmpty ? nil : rule.category,
                           contextChars: Int(rule.contextChars), position: index)
        })
    }

    private static func setInfo(_ record: KeywordSetRecord) -> KeywordSet {
        var info = KeywordSet()
        info.id = record.id.lowercasedString
        info.name = record.name
        info.description = record.description ?? ""
        info.ownerID = record.ownerID.lowercasedString
        info.createdAtMicros = record.createdAt.map(Micros.of) ?? 0
        info.updatedAtMicros = record.updatedAt.map(Micros.of) ?? 0
        info.ruleCount = record.ruleCount.map { UInt32($0) } ?? 0
        return info
    }

    /// The set with its rules, if the principal may see it (NOT_FOUND otherwise, whether or not it exists).
    /// Its statement locks the row (FOR UPDATE) for the updates and deletes that run it in a transaction;
    /// plain reads run it outside one, so the lock ends with the statement.
    /// `TestKeywordSet`: scores the given text, or the page at the given URL, against the set.
    private static func test(_ request: TestKeywordSetRequest, principal: Principal, pool: ConnectionPool,
                             secrets: SecretBox?) async throws -> TestKeywordSetResponse {
        let id = try Paging.uuid(request.id, field: "id")
        guard request.text.isEmpty != request.url.isEmpty else { throw RPCError.invalidArgument("text or url: give exactly one") }
        guard request.text.utf8.count <= 1 << 20 else { throw RPCError.invalidArgument("text: at most 1 MiB") }
        let url = request.url.isEmpty ? nil : try InputValidation.httpURL(request.url)
        let personaID = request.personaID.isEmpty ? nil : try Paging.uuid(request.personaID, field: "persona_id")
        let proxyID = request.proxyID.isEmpty ? nil : try Paging.uuid(request.proxyID, field: "proxy_id")
        guard url != nil || (personaID == nil && proxyID == nil) else {
            throw RPCError.invalidArgument("persona_id and proxy_id apply to a url, not to text")
        }
        let loaded: (KeywordSet, HttpPersona?, ProxyEndpoint?) = try await pool.withConnection(retryTransient: true) { c in
            let set = try load(c, id, principal: principal)
            let (persona, proxy) = try PersonasService.httpFetchSetup(c, principal: principal, personaID: personaID,
                                                                      proxyID: proxyID, secrets: secrets)
            return (set, persona, proxy)
        }
        let (set, persona, proxy) = loaded
        var response = TestKeywordSetResponse()
        guard let url else { return try KeywordSetScoring.score(request.text, set: set, into: response) }
        let fetch: HTTPFetchRequest
        if let persona {
            fetch = HTTPPersonaTester.request(persona, url: url, proxy: proxy)
        } else {
            fetch = HTTPFetchRequest(url: url, headers: [HTTPField("User-Agent", "DomainFlow/1")], followRedirects: true, proxy: proxy)
        }
        do {
            let page = try await HTTPFetcher.fetch(fetch)
            response.statusCode = UInt32(page.status)
            response.finalURL = page.finalURL.absoluteString
            return try KeywordSetScoring.score(page.text, set: set, into: response)
        } catch let error as HTTPFetchError {
            response.errorKind = error.kind.rawValue
            response.error = error.message
            return response
        }
    }

    private static func load(_ c: PGConnection, _ id: UUID, principal: Principal) throws -> KeywordSet {
        guard let record = try c.run(KeywordSets.find(id: id, scope: principal.ownerScope)) else {
            throw RPCError(.notFound, "no keyword set \(id.lowercasedString)")
        }
        var info = setInfo(record)
        info.rules = try c.run(KeywordSets.rules(of: id)).map { r in
            var rule = KeywordRule(keyword: r.keyword, kind: KeywordKind(name: r.kind) ?? .string, caseSensitive: r.caseSensitive,
                                   weight: r.weight, inactive: !r.isActive, category: r.category ?? "",
                                   contextChars: UInt32(r.contextChars))
            rule.id = r.id.lowercasedString
            return rule
        }
        info.ruleCount = UInt32(info.rules.count)
        return info
    }
}

/// The rules for a keyword rule; violations are INVALID_ARGUMENT naming the rule and field.
enum KeywordRuleValidation {
    static func validated(_ rule: KeywordRule, index: Int) throws -> KeywordRule {
        let field = "rules[\(index)]"
        var rule = rule
        guard !rule.keyword.isEmpty, rule.keyword.count <= 255 else {
            throw RPCError.invalidArgument("\(field).keyword: 1 to 255 characters")
        }
        if rule.kind == .unspecified { rule.kind = .string }
        if rule.kind == .regex {
            do {
                _ = try NSRegularExpression(pattern: rule.keyword, options: rule.caseSensitive ? [] : [.caseInsensitive])
            } catch {
                throw RPCError.invalidArgument("\(field).keyword: the regular expression does not compile: \(regexError(error, rule.keyword))")
            }
        }
        if rule.weight.isEmpty { rule.weight = "1.00" }
        guard rule.weight.range(of: #"^[0-9]{1,3}(\.[0-9]{1,2})?$"#, options: .regularExpression) != nil,
              let value = Double(rule.weight), value > 0 else {
            throw RPCError.invalidArgument("\(field).weight: a positive decimal with at most 3 digits and 2 decimals, e.g. 1.5")
        }
        guard rule.category.count <= 100 else { throw RPCError.invalidArgument("\(field).category: at most 100 characters") }
        if rule.contextChars == 0 { rule.contextChars = 50 }
        guard rule.contextChars <= 1000 else { throw RPCError.invalidArgument("\(field).context_chars: at most 1000") }
        return rule
    }

    /// The compiler's complaint. Foundation on Linux does not pass on ICU's message, so the pattern
    /// is parsed again by Swift's own regex parser, whose errors say what and where.
    private static func regexError(_ error: any Error, _ pattern: String) -> String {
        do { _ = try Regex(pattern) } catch { return "\(error)" }
        let nsError = error as NSError
        if let reason = nsError.userInfo[NSLocalizedFailureReasonErrorKey] as? String { return reason }
        if let detail = nsError.userInfo["NSInvalidValue"] { return "invalid pattern \(detail) (\(nsError.domain) \(nsError.code))" }
        return "invalid pattern '\(pattern)' (\(nsError.domain) error \(nsError.code))"
    }
}
