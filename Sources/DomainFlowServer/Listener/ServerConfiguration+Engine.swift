import DomainFlowEngine
import DomainFlowWire

extension ServerConfiguration {
    /// The campaign engine this configuration asks for (its store, `engine` settings, the proxy check that
    /// TestProxy uses, the key that opens proxies' passwords); nil without a store or with no workers. It runs
    /// beside the server, not inside it: `domainflow-server` makes it a service of its own.
    public func makeEngine() -> CampaignEngine? {
        guard let store, engine.workers > 0 else { return nil }
        let secrets = self.secrets
        var configuration = engine
        configuration.proxyCheckURL = proxyCheckURL  // the engine re-checks proxies the way TestProxy checks them
        configuration.proxyCheckTimeout = proxyCheckTimeout
        return CampaignEngine(store: store, configuration: configuration, logger: logger, unseal: { sealed in
            guard let secrets else { throw RPCError(.failedPrecondition, "no secret key") }
            return try secrets.open(sealed)
        })
    }
}
