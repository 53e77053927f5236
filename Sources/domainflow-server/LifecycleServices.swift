import DomainFlowServer
import DomainFlowStore
import NIOPosix
import ServiceLifecycle

/// The listener, its connections and the campaign engine, until a graceful shutdown (SIGTERM, SIGINT).
/// Runs after `StoreLifecycleService` in the server's `ServiceGroup`, so it is shut down first.
struct ServerLifecycleService: Service {
    let server: DomainFlowServer

    func run() async throws {
        try? await gracefulShutdown()
        await server.shutdown()
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
