import DomainFlowCore
import DomainFlowStore
import DomainFlowWire
import Foundation

/// The proxies service: create, get, list, full update, delete, and live checks. Owner-scoped and audited.
/// Passwords are sealed with the server's `SecretBox` and never returned, logged or audited.
enum ProxiesService {
    static func register(into router: inout Router, auth: Authenticator, secrets: SecretBox?,
                         checkURL: URL, checkTimeout: Duration) {
        let pool = auth.store.pool

        router.unary(Methods.createProxy) { request, context in
            let principal = try context.requirePrincipal()
            let v = try validated(request)
            let sealed = try seal(request, secrets)
            return try await pool.withTransaction { c in
                let record = try c.run(Proxies.create(v.values(request, sealedPassword: sealed), ownerID: principal.userID))
                let proxy = info(record)
                try AuditRecorder.record(c, context: context, userID: principal.userID, action: "proxy_create",
                                         resourceType: "proxy", resourceID: record.id,
                                         details: ["name": proxy.name, "address": proxy.address, "protocol": proxy.`protocol`.name,
                                                   "password_set": sealed != nil])
                return proxy
            }
        }

        router.unary(Methods.getProxy) { request, context in
            let principal = try context.requirePrincipal()
            let id = try Paging.uuid(request.id, field: "id")
            return try await pool.withConnection(retryTransient: true) { c in try find(c, id, principal) }
        }

        router.unary(Methods.listProxies) { request, context in
            let principal = try context.requirePrincipal()
            let (limit, offset) = try Paging.bounds(request.pageSize, request.pageToken)
            let rows = try await pool.run(Proxies.list(
                scope: principal.ownerScope, nameContains: request.nameContains.isEmpty ? nil : request.nameContains,
                enabledOnly: request.enabledOnly, limit: limit + 1, offset: offset), retryTransient: true).map(info)
            let page = Paging.page(rows, limit: limit, offset: offset)
            return ListProxiesResponse(proxies: page.items, nextPageToken: page.nextPageToken)
        }

        router.unary(Methods.updateProxy) { request, context in
            let principal = try context.requirePrincipal()
            let id = try Paging.uuid(request.id, field: "id")
            return try await pool.withTransaction { c in
                let current = try find(c, id, principal)
                let request = request.updateMask.isEmpty ? request : try masked(request, current: current)
                let v = try validated(request)
                let sealed = request.setPassword ? try seal(request, secrets) : nil
                guard let updated = try c.run(Proxies.update(id: id, v.values(request, sealedPassword: sealed),
                                                             replacePassword: request.setPassword)) else {
                    throw RPCError(.notFound, "no proxy \(id.lowercasedString)")
                }
                let proxy = info(updated)
                try AuditRecorder.record(c, context: context, userID: principal.userID, action: "proxy_update",
                                         resourceType: "proxy", resourceID: id,
                                         details: ["name": proxy.name, "address": proxy.address, "password_changed": request.setPassword])
                return proxy
            }
        }

        router.unary(Methods.testProxy) { request, context in
            let principal = try context.requirePrincipal()
            let id = try Paging.uuid(request.id, field: "id")
            let url = request.url.isEmpty ? checkURL : try InputValidation.httpURL(request.url)
            let targets = try await pool.withConnection(retryTransient: true) { c in
                try ProxyChecker.targets(c, principal: principal, id: id, secrets: secrets)
            }
            guard let target = targets.first else { throw RPCError(.notFound, "no proxy \(id.lowercasedString)") }
            _ = try target.endpoint.get()  // FAILED_PRECONDITION when the proxy cannot be used as stored
            let result = await ProxyChecker.check(target, url: url, timeout: checkTimeout)
            return try await pool.withTransaction { [result] c in
                var result = result
                try ProxyChecker.record(&result, id: id, on: c)
                try AuditRecorder.record(c, context: context, userID: principal.userID, action: "proxy_test", resourceType: "proxy",
                                         resourceID: id, details: ["url": result.url, "healthy": result.healthy, "status": result.status])
                return result
            }
        }

        router.serverStream(Methods.checkAllProxies) { request, context, writer in
            let principal = try context.requirePrincipal()
            let url = request.url.isEmpty ? checkURL : try InputValidation.httpURL(request.url)
            guard request.concurrency <= 64 else { throw RPCError.invalidArgument("concurrency: at most 64") }
            let concurrency = request.concurrency == 0 ? 8 : Int(request.concurrency)
            let targets = try await pool.withConnection(retryTransient: true) { c in
                try ProxyChecker.targets(c, principal: principal, id: nil, secrets: secrets)
            }
            var healthy = 0
            try await withThrowingTaskGroup(of: (UUID, ProxyCheckResult).self) { group in
                var pending = targets.makeIterator()
                for _ in 0..<concurrency {
                    guard let target = pending.next() else { break }
                    group.addTask { (target.id, await ProxyChecker.check(target, url: url, timeout: checkTimeout)) }
                }
                while let (id, checked) = try await group.next() {
                    if let target = pending.next() {
                        group.addTask { (target.id, await ProxyChecker.check(target, url: url, timeout: checkTimeout)) }
                    }
                    let recorded = checked.errorKind == ProxyChecker.configurationError ? checked
                        : try await pool.withConnection(retryTransient: true) { c in
                            var result = checked
                            try ProxyChecker.record(&result, id: id, on: c)
                            return result
                        }
                    if recorded.healthy { healthy += 1 }
                    try await writer.write(recorded)
                }
            }
            try await pool.withConnection { [healthy] c in
                try AuditRecorder.record(c, context: context, userID: principal.userID, action: "proxy_check_all",
                                         details: ["url": url.absoluteString, "checked": targets.count, "healthy": healthy])
            }
        }

        router.unary(Methods.deleteProxy) { request, context in
            let principal = try context.requirePrincipal()
            let id = try Paging.uuid(request.id, field: "id")
            return try await pool.withTransaction { c in
                let proxy = try find(c, id, principal)
                try CampaignResourceLinks.refuseDeleteIfInUse(c, id: id, as: [.proxy], what: "proxy \(proxy.name)")
                try c.run(Proxies.delete(id: id))
                try AuditRecorder.record(c, context: context, userID: principal.userID, action: "proxy_delete",
                                         resourceType: "proxy", resourceID: id, details: ["name": proxy.name])
                return proxy
            }
        }
    }

    private struct Validated {
        let name: String, host: String
        let description, username, city, countryCode, provider: String?

        func values(_ request: ProxyRequest, sealedPassword: String?) -> ProxyValues {
            ProxyValues(name: name, description: description, protocolName: request.`protocol`.name, username: username,
                        isEnabled: !request.disabled, sealedPassword: sealedPassword, host: host, port: Int(request.port),
                        city: city, countryCode: countryCode, provider: provider)
        }
    }

    private static func validated(_ r: ProxyRequest) throws -> Validated {
        let name = try InputValidation.resourceName(r.name)
        guard r.`protocol` != .unspecified else { throw RPCError.invalidArgument("protocol: http, https, socks5 or socks4") }
        let host = r.host.trimmingCharacters(in: .whitespaces).lowercased()
        guard !host.isEmpty, host.utf8.count <= 253,
              IPAddress.isLiteral(host)
                || host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ label in
                    !label.isEmpty && label.count <= 63 && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
                }) else {
            throw RPCError.invalidArgument("host: '\(r.host)' is not a hostname or IP address")
        }
        guard (1...65535).contains(r.port) else { throw RPCError.invalidArgument("port: must be 1 to 65535") }
        guard r.username.utf8.count <= 255, !InputValidation.hasLineBreakOrNUL(r.username) else {
            throw RPCError.invalidArgument("username: at most 255 characters, no CR, LF or NUL")
        }
        if r.`protocol` == .socks4 && r.setPassword {
            throw RPCError.invalidArgument("password: SOCKS4 has no passwords (only a user id)")
        }
        guard r.countryCode.isEmpty || r.countryCode.range(of: "^[A-Za-z]{2}$", options: .regularExpression) != nil else {
            throw RPCError.invalidArgument("country_code: two letters (ISO 3166-1 alpha-2)")
        }
        func text(_ s: String, max: Int, _ field: String) throws -> String? {
            guard s.count <= max else { throw RPCError.invalidArgument("\(field): at most \(max) characters") }
            return s.isEmpty ? nil : s
        }
        return Validated(name: name, host: host, description: try text(r.description, max: 10_000, "description"),
                         username: try text(r.username, max: 255, "username"), city: try text(r.city, max: 100, "city"),
                         countryCode: r.countryCode.isEmpty ? nil : r.countryCode.uppercased(),
                         provider: try text(r.provider, max: 100, "provider"))
    }

    /// The current proxy with the fields of `request.updateMask` taken from the request; naming
    /// "password" replaces the stored one (an empty password removes it).
    private static func masked(_ request: ProxyRequest, current: Proxy) throws -> ProxyRequest {
        var base = ProxyRequest(id: current.id, name: current.name, protocol: current.`protocol`, host: current.host,
                                port: current.port, username: current.username)
        base.description = current.description
        base.disabled = !current.enabled
        base.city = current.city
        base.countryCode = current.countryCode
        base.provider = current.provider
        var merged = try ProxyRequest(fields: try ProxyRequest.mask.apply(request.updateMask, update: request.fields, to: base.fields))
        merged.setPassword = request.updateMask.contains("password")
        return merged
    }

    private static func seal(_ r: ProxyRequest, _ secrets: SecretBox?) throws -> String? {
        guard r.setPassword, !r.password.isEmpty else { return nil }
        guard r.password.utf8.count <= 1024 else { throw RPCError.invalidArgument("password: at most 1024 bytes") }
        guard let secrets else { throw RPCError(.failedPrecondition, "this server has no secret key, so it cannot store proxy passwords") }
        return try secrets.seal(r.password)
    }

    private static func info(_ record: ProxyRecord) -> Proxy {
        var p = Proxy()
        p.id = record.id.lowercasedString
        p.name = record.name
        p.description = record.description ?? ""
        p.address = record.address
        p.`protocol` = ProxyProtocol(name: record.protocolName ?? "") ?? .unspecified
        p.username = record.username ?? ""
        p.hasPassword = record.hasPassword
        p.host = record.host ?? ""
        p.port = UInt32(clamping: record.port ?? 0)
        p.enabled = record.isEnabled ?? false
        p.healthy = record.isHealthy ?? false
        p.lastStatus = record.lastStatus ?? ""
        p.lastCheckedAtMicros = record.lastCheckedAt.map(Micros.of) ?? 0
        p.latencyMs = UInt32(clamping: record.latencyMs ?? 0)
        p.city = record.city ?? ""
        p.countryCode = record.countryCode ?? ""
        p.provider = record.provider ?? ""
        p.ownerID = record.ownerID?.lowercasedString ?? ""
        return p
    }

    /// The proxy, if the principal may see it (NOT_FOUND otherwise, whether or not it exists).
    /// Its statement locks the row (FOR UPDATE) for the updates and deletes that run it in a transaction;
    /// plain reads run it outside one, so the lock ends with the statement.
    private static func find(_ c: PGConnection, _ id: UUID, _ principal: Principal) throws -> Proxy {
        guard let record = try c.run(Proxies.find(id: id, scope: principal.ownerScope)) else {
            throw RPCError(.notFound, "no proxy \(id.lowercasedString)")
        }
        return info(record)
    }
}
