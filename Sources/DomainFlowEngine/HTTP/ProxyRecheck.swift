import DomainFlowStore
import Foundation
import Logging

/// Proxies marked unhealthy while a campaign used them are checked again in the background, every
/// `interval`, for as long as a campaign that has not ended uses them: a fetch of the check URL through
/// the proxy that gets a response below 400 marks it healthy again (audited), and campaigns use it again.
struct ProxyRecheck: Sendable {
    let store: Store
    let logger: Logger
    let checkURL: URL
    let timeout: Duration
    let interval: Duration
    let unseal: @Sendable (String) throws -> String

    func run() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            do { try await checkOnce() } catch is CancellationError { return } catch {
                logger.warning("proxy re-check failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Checks every unhealthy proxy in use once; returns how many became healthy.
    @discardableResult
    func checkOnce() async throws -> Int {
        let unseal = self.unseal
        let proxies = try await store.pool.withConnection(retryTransient: true) { c in
            try c.run(Proxies.unhealthyInUse()).compactMap { CampaignProxy($0, unseal: unseal) }
        }
        var recovered = 0
        for proxy in proxies {
            let request = HTTPFetchRequest(url: checkURL, timeout: timeout, proxy: proxy.endpoint)
            guard let result = try? await HTTPFetcher.fetch(request), result.status < 400 else { continue }
            let millis = Int64(result.elapsed.wholeMilliseconds)
            try await store.pool.withTransaction { c in
                let owner = try c.run(Proxies.markHealthy(id: proxy.id, status: "\(result.status) \(result.reason)", latencyMs: millis))
                try c.run(AuditLogs.insert(userID: owner, action: "proxy_marked_healthy", resourceType: "proxy", resourceID: proxy.id,
                                           details: #"{"status": \#(result.status), "latency_ms": \#(millis)}"#,
                                           userAgent: "domainflow-engine"))
            }
            logger.notice("proxy healthy again", metadata: ["proxy": "\(proxy.name)"])
            recovered += 1
        }
        return recovered
    }
}

extension CampaignProxy {
    /// A stored proxy, or nil when this server cannot use it as stored (an unknown protocol, a password its key
    /// cannot unseal).
    init?(_ access: ProxyAccess, unseal: @escaping (String) throws -> String) {
        guard let endpoint = try? ProxyEndpoint(access, unseal: unseal) else { return nil }
        self.init(id: access.id, name: access.name, endpoint: endpoint)
    }
}
