import DomainFlowCore
import DomainFlowEngine
import DomainFlowEventLoop
import DomainFlowWire
import Glibc
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// A running DomainFlow server: a Unix-socket listener and its connections (the campaign engine runs
/// beside it: `ServerConfiguration.makeEngine`).
///
/// `start` binds the socket and returns at once; `shutdown` stops accepting, lets open
/// calls finish for the grace period, cancels the rest, and removes the socket file.
public final class DomainFlowServer: Sendable {
    private let shared: ServerShared
    private let group: EpollEventLoopGroup
    /// Whether the server started `group` (and stops it), or was lent it.
    private let ownsGroup: Bool
    private let listener: SocketListener
    private let sampler: Task<Void, Never>
    public var socketPath: String { shared.configuration.socketPath }

    private init(shared: ServerShared, group: EpollEventLoopGroup, ownsGroup: Bool, listener: SocketListener) {
        self.shared = shared
        self.group = group
        self.ownsGroup = ownsGroup
        self.listener = listener
        let connections = shared.connections
        sampler = Task { await connections.sampleOutboundBytes() }
    }

    /// Binds `configuration.socketPath` and starts serving `router`'s methods plus the server service.
    public static func start(configuration: ServerConfiguration, router: Router = Router()) async throws -> DomainFlowServer {
        if configuration.inheritedListener == nil { try SocketLocation.prepare(configuration.socketPath) }
        var router = router
        let vitals = ServerVitals(configuration: configuration)
        ServerService.register(into: &router, vitals: vitals)
        // The store's services are there whenever the store is; the mode chooses only the interceptor in front of
        // the router, and a store's data is never served without authentication.
        let interceptor: any CallInterceptor
        switch (configuration.authentication, configuration.store) {
        case (.required(let authConfiguration), let store?):
            let auth = try Authenticator(configuration: authConfiguration, store: store)
            registerStoreServices(into: &router, auth: auth, configuration: configuration)
            interceptor = auth
        case (.disabled, nil):
            interceptor = AdmitAll()
        case (.required, nil):
            throw RPCError(.failedPrecondition, "authentication needs a store; configure one or disable authentication")
        case (.disabled, _?):
            throw RPCError(.failedPrecondition, "authentication cannot be disabled on a server with a store: its data is served to authenticated callers only")
        }
        let state = ServerShared(vitals: vitals, router: router, interceptor: interceptor)

        let ownsGroup = configuration.eventLoops == nil
        let group: EpollEventLoopGroup
        do { group = try configuration.eventLoops ?? EpollEventLoopGroup(threads: configuration.eventLoopThreads) }
        catch { throw RPCError(.internal, "cannot start the server's event loops: \(error)") }
        let listener: SocketListener
        var listening: Int32?
        do {
            let fd = try configuration.inheritedListener.map(SocketListener.adopt)
                ?? SocketListener.bind(path: configuration.socketPath, mode: configuration.socketMode,
                                       backlog: ListenBacklog.systemMaximum)
            listening = fd
            let nextConnectionID = NIOLockedValueBoxCounter()
            let maxFrameBytes = configuration.maxFrameBytes
            listener = SocketListener(fd: fd, group: group, logger: configuration.logger) { fd, loop in
                let connection = SocketConnection(fd: fd, loop: loop, maxFrameBytes: maxFrameBytes)
                state.connections.add(connection)
                connection.start(ConnectionHandler(shared: state, connectionID: nextConnectionID.next(), connection: connection))
            }
            try await listener.start()
        } catch {
            // A socket of our own that could not be watched is closed (an inherited one stays systemd's).
            if let fd = listening, configuration.inheritedListener == nil {
                close(fd)
                unlink(configuration.socketPath)
            }
            if ownsGroup { await group.stop() }
            throw error
        }
        configuration.logger.info("listening", metadata: [
            "socket": "\(configuration.socketPath)", "inherited": "\(configuration.inheritedListener != nil)",
            "mode": "\(String(configuration.socketMode, radix: 8))",
            "version": "\(serverVersion)",
        ])
        return DomainFlowServer(shared: state, group: group, ownsGroup: ownsGroup, listener: listener)
    }

    /// The services backed by the store, registered the same way in every authentication mode.
    private static func registerStoreServices(into router: inout Router, auth: Authenticator, configuration: ServerConfiguration) {
        UsersService.register(into: &router, auth: auth)
        AuditService.register(into: &router, auth: auth)
        CampaignsService.register(into: &router, auth: auth, batchSize: configuration.engine.batchSize)
        KeywordSetsService.register(into: &router, auth: auth, secrets: configuration.secrets)
        PersonasService.register(into: &router, auth: auth, secrets: configuration.secrets)
        ProxiesService.register(into: &router, auth: auth, secrets: configuration.secrets,
                                checkURL: configuration.proxyCheckURL, checkTimeout: configuration.proxyCheckTimeout)
    }

    /// Graceful shutdown: see the type's documentation. Safe to call more than once.
    public func shutdown() async {
        let logger = shared.configuration.logger
        logger.info("shutting down", metadata: ["connections": "\(shared.connections.all.count)"])
        await listener.close()
        sampler.cancel()
        let connections = shared.connections.all
        for connection in connections { connection.onHandler { $0.beginDraining() } }
        await Self.closed(connections, within: shared.configuration.shutdownGracePeriod, on: group.next())
        let remaining = shared.connections.all
        if !remaining.isEmpty {
            logger.notice("grace period over, cancelling open calls", metadata: ["connections": "\(remaining.count)"])
            for connection in remaining { connection.onHandler { $0.abortCalls() } }
            for connection in remaining { try? await connection.closeFuture.get() }
        }
        if shared.configuration.inheritedListener == nil { unlink(shared.configuration.socketPath) }  // systemd owns an inherited one
        if ownsGroup { await group.stop() }
        logger.info("stopped")
    }
}

extension DomainFlowServer {
    /// Returns when every one of `connections` has closed, or when `grace` has passed (whichever is first).
    fileprivate static func closed(_ connections: [SocketConnection], within grace: Duration, on loop: any EventLoop) async {
        guard !connections.isEmpty else { return }
        let done = loop.makePromise(of: Void.self)
        let completed = NIOLockedValueBox(false)
        @Sendable func finish() { if completed.withLockedValue({ let was = $0; $0 = true; return !was }) { done.succeed() } }
        let timer = loop.scheduleTask(in: .nanoseconds(grace.wholeNanoseconds)) { finish() }
        EventLoopFuture.andAllComplete(connections.map(\.closeFuture), on: loop).whenComplete { _ in finish() }
        try? await done.futureResult.get()
        timer.cancel()
    }

    /// The methods this server serves, by number, with the access each declares.
    var methodTable: [(number: UInt32, name: String, access: Access, streams: Bool)] {
        shared.router.entries.map { number, entry in
            let streams: Bool
            if case .serverStream = entry.handler { streams = true } else { streams = false }
            return (number, entry.name, entry.access, streams)
        }.sorted { $0.number < $1.number }
    }
}

/// A thread-safe increasing counter for connection ids.
final class NIOLockedValueBoxCounter: Sendable {
    private let box = NIOLockedValueBox<UInt64>(0)
    func next() -> UInt64 { box.withLockedValue { $0 += 1; return $0 } }
}
