import DomainFlowCore
import DomainFlowEngine
import DomainFlowStore
import DomainFlowWire
import Foundation

/// A proxy as a check or a fetch needs it: where it is and how to log in (the password unsealed), or
/// why it cannot be used (FAILED_PRECONDITION: an unknown protocol, a password this server cannot unseal).
struct ProxyTarget: Sendable {
    let id: UUID
    let name: String
    let endpoint: Result<ProxyEndpoint, RPCError>
}

/// The real check behind `TestProxy` and `CheckAllProxies`: a fetch through the proxy, recorded on it.
enum ProxyChecker {
    /// The proxies a check covers: one (`id`) or every enabled one the principal may see.
    static func targets(_ c: PGConnection, principal: Principal, id: UUID?, secrets: SecretBox?) throws -> [ProxyTarget] {
        try c.run(Proxies.toCheck(scope: principal.ownerScope, id: id)).map { proxy in
            let name = proxy.name
            let endpoint = Result { () throws(StoredProxyProblem) -> ProxyEndpoint in
                try ProxyEndpoint(proxy, unseal: secrets.map { box in { try box.open($0) } })
            }.mapError { problem in
                switch problem {
                case .unknownProtocol(let stored):
                    RPCError(.failedPrecondition, "proxy \(name) has protocol '\(stored)', which DomainFlow cannot use")
                case .noKey: RPCError(.failedPrecondition, "proxy \(name) has a password but this server has no secret key to unseal it")
                case .cannotUnseal: RPCError(.failedPrecondition, "proxy \(name)'s password cannot be unsealed with this server's key")
                }
            }
            return ProxyTarget(id: proxy.id, name: name, endpoint: endpoint)
        }
    }

    /// The `error_kind` of a check that could not start because of the proxy's stored configuration;
    /// such results are reported but not recorded as the proxy's health.
    static let configurationError = "configuration"

    /// Fetches `url` through the proxy. Healthy: a response with a status below 400.
    static func check(_ target: ProxyTarget, url: URL, timeout: Duration) async -> ProxyCheckResult {
        var result = ProxyCheckResult()
        result.proxyID = target.id.lowercasedString
        result.name = target.name
        result.url = url.absoluteString
        let endpoint: ProxyEndpoint
        switch target.endpoint {
        case .success(let value): endpoint = value
        case .failure(let error):
            result.errorKind = configurationError
            result.status = error.message
            return result
        }
        let request = HTTPFetchRequest(url: url, headers: [HTTPField("User-Agent", "DomainFlow-proxy-check/1")], timeout: timeout,
                                       maxBodyBytes: 64 * 1024, proxy: endpoint)
        do {
            let response = try await HTTPFetcher.fetch(request)
            result.statusCode = UInt32(response.status)
            result.healthy = (100..<400).contains(response.status)
            result.status = "\(response.status) \(response.reason)"
            result.latencyMs = UInt32(clamping: max(1, response.elapsed.wholeMilliseconds))
        } catch {
            result.errorKind = error.kind.rawValue
            result.status = error.description
        }
        return result
    }

    /// Stores the outcome on the proxy (`is_healthy`, `last_status`, `latency_ms`, `last_checked_at`) and
    /// sets `checkedAtMicros` from the database's clock.
    static func record(_ result: inout ProxyCheckResult, id: UUID, on c: PGConnection) throws {
        let checkedAt = try c.run(Proxies.recordCheck(id: id, healthy: result.healthy, status: result.status,
                                                      latencyMs: result.statusCode == 0 ? nil : Int(result.latencyMs)))
        result.checkedAtMicros = checkedAt.map(Micros.of) ?? 0
    }
}
