import DomainFlowCore
import DomainFlowEngine
import DomainFlowWire
import Glibc
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A running DomainFlow server: a Unix-socket listener and its connections (the campaign engine runs
/// beside it: `ServerConfiguration.makeEngine`).
///
/// `start` binds the socket and returns at once; `shutdown` stops accepting, lets open
/// calls finish for the grace period, cancels the rest, and removes the socket file.
public final class DomainFlowServer: Sendable {
    private let shared: ServerShared
    private let group: MultiThreadedEventLoopGroup
    private let serverChannel: any Channel
    private let sampler: Task<Void, Never>
    public var socketPath: String { shared.configuration.socketPath }

    private init(shared: ServerShared, group: MultiThreadedEventLoopGroup, serverChannel: any Channel) {
        self.shared = shared
        self.group = group
        self.serverChannel = serverChannel
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

        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.eventLoopThreads))
        let nextConnectionID = NIOLockedValueBoxCounter()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: ListenBacklog.systemMaximum)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 32 * 1024, high: 64 * 1024))
            .childChannelInitializer { channel in
                state.connections.add(channel)
                return channel.eventLoop.makeCompletedFuture {
                    let handler = ConnectionHandler(shared: state, connectionID: nextConnectionID.next())
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(FrameDecoder(maxFrameBytes: configuration.maxFrameBytes)))
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        let channel: any Channel
        do {
            if let inherited = configuration.inheritedListener {
                channel = try await bootstrap.withBoundSocket(inherited).get()
            } else {
                channel = try await bootstrap.bind(unixDomainSocketPath: configuration.socketPath).get()
            }
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        guard configuration.inheritedListener != nil || chmod(configuration.socketPath, configuration.socketMode) == 0 else {
            let reason = String(cString: strerror(errno))
            try? await channel.close()
            try? await group.shutdownGracefully()
            throw RPCError(.internal, "cannot set mode of \(configuration.socketPath): \(reason)")
        }
        configuration.logger.info("listening", metadata: [
            "socket": "\(configuration.socketPath)", "inherited": "\(configuration.inheritedListener != nil)",
            "mode": "\(String(configuration.socketMode, radix: 8))",
            "version": "\(serverVersion)",
        ])
        return DomainFlowServer(shared: state, group: group, serverChannel: channel)
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
        try? await serverChannel.close()
        sampler.cancel()
        let connections = shared.connections.all
        for channel in connections { Self.onHandler(of: channel) { $0.beginDraining() } }
        await Self.closed(connections, within: shared.configuration.shutdownGracePeriod, on: group.next())
        let remaining = shared.connections.all
        if !remaining.isEmpty {
            logger.notice("grace period over, cancelling open calls", metadata: ["connections": "\(remaining.count)"])
            for channel in remaining { Self.onHandler(of: channel) { $0.abortCalls() } }
            for channel in remaining { try? await channel.closeFuture.get() }
        }
        if shared.configuration.inheritedListener == nil { unlink(shared.configuration.socketPath) }  // systemd owns an inherited one
        try? await group.shutdownGracefully()
        logger.info("stopped")
    }
}

extension DomainFlowServer {
    /// Returns when every one of `connections` has closed, or when `grace` has passed (whichever is first).
    fileprivate static func closed(_ connections: [any Channel], within grace: Duration, on loop: any EventLoop) async {
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

    /// Runs `body` with the connection's handler on its event loop.
    fileprivate static func onHandler(of channel: any Channel, _ body: @escaping @Sendable (ConnectionHandler) -> Void) {
        channel.eventLoop.execute {
            if let handler = try? channel.pipeline.syncOperations.handler(type: ConnectionHandler.self) { body(handler) }
        }
    }
}

/// A thread-safe increasing counter for connection ids.
final class NIOLockedValueBoxCounter: Sendable {
    private let box = NIOLockedValueBox<UInt64>(0)
    func next() -> UInt64 { box.withLockedValue { $0 += 1; return $0 } }
}
