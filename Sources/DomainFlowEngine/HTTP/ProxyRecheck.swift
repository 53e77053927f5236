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
            try c.execute(StatementRegistry.unhealthyProxiesInUse).rows.compactMap { try CampaignProxy(row: $0, unseal: unseal) }
        }
        var recovered = 0
        for proxy in proxies {
            let request = HTTPFetchRequest(url: checkURL, timeout: timeout, proxy: proxy.endpoint)
            guard let result = try? await HTTPFetcher.fetch(request), result.status < 400 else { continue }
            let millis = Int64(result.elapsed.wholeMilliseconds)
            try await store.pool.withTransaction { c in
                let owner = try c.execute(StatementRegistry.markProxyHealthy, [.uuid(proxy.id), .text("\(result.status) \(result.reason)"),
                                                                               .int(millis)]).first?.optionalUUID(0)
                _ = try c.execute(StatementRegistry.insertAudit, [
                    owner.map { .uuid($0) }, .text("proxy_marked_healthy"), .text("proxy"), .uuid(proxy.id),
                    .json(#"{"status": \#(result.status), "latency_ms": \#(millis)}"#), .text("domainflow-engine"),
                ])
            }
            logger.notice("proxy healthy again", metadata: ["proxy": "\(proxy.name)"])
            recovered += 1
        }
        return recovered
    }
}

extension CampaignProxy {
    /// A proxy row (id, name, protocol, host, port, username, sealed password), or nil when this server cannot use
    /// it as stored (an unknown protocol, a password its key cannot unseal).
    init?(row: Row, unseal: (String) throws -> String) throws {
        let kind: ProxyEndpoint.Kind
        switch row.optionalString(2) ?? "" {
        case "http": kind = .http
        case "https": kind = .httpsConnect
        case "socks5": kind = .socks5
        case "socks4": kind = .socks4
        default: return nil
        }
        var password = ""
        if let sealed = row.optionalString(6) {
            guard let opened = try? unseal(sealed) else { return nil }
            password = opened
        }
        self.init(id: try row.uuid(0), name: try row.string(1),
                  endpoint: ProxyEndpoint(kind: kind, host: row.optionalString(3) ?? "", port: Int(try row.optionalInt(4) ?? 0),
                                          username: row.optionalString(5) ?? "", password: password))
    }
}
