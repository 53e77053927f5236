import DomainFlowEngine
import DomainFlowServer
import DomainFlowStore
import NIOPosix
import ServiceLifecycle

/// The listener and its connections, until a graceful shutdown (SIGTERM, SIGINT). Runs last in the server's
/// `ServiceGroup`, so it is shut down first: no new calls, open ones drain.
struct ServerLifecycleService: Service {
    let configuration: ServerConfiguration

    func run() async throws {
        let server = try await DomainFlowServer.start(configuration: configuration)
        try? await gracefulShutdown()
        await server.shutdown()
    }
}

/// The campaign engine's workers: cancelled on a graceful shutdown, after the server has drained and before
/// the store closes. Each worker stops at its next batch boundary; a batch in flight commits or rolls back whole.
struct EngineLifecycleService: Service {
    let engine: CampaignEngine

    func run() async throws {
        await cancelWhenGracefulShutdown { await engine.run() }
    }
}

/// The store's pool and, when the server runs its own, the embedded PostgreSQL: closed once the server
/// (started after it) has drained, then the cluster is stopped.
struct StoreLifecycleService: Service {
    let store: Store
    let embedded: EmbeddedPostgres?

    func run() async throws {
        try? await gracefulShutdown()
        await store.shutdown()
        try await embedded?.stopOffTheLoop()
    }
}

extension EmbeddedPostgres {
    /// Stops the cluster (a blocking `pg_ctl stop`) on NIO's blocking-work pool, off the event loops.
    func stopOffTheLoop() async throws {
        try await NIOThreadPool.singleton.runIfActive { try self.stop() }
    }
}
