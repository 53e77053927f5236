import DomainFlowWire
import NIOCore
import Synchronization
import NIOConcurrencyHelpers

/// This build's version string.
public let serverVersion = "0.1.0"

/// What a server knows of itself — configuration, counters, open connections, uptime — made before its
/// router, so that the server service (ServerInfoResponse, WatchServerStats) is registered like every other.
final class ServerVitals: Sendable {
    let configuration: ServerConfiguration
    let counters = ServerCounters()
    let startedAt = NIODeadline.now()
    let connections = ConnectionRegistry()

    init(configuration: ServerConfiguration) {
        self.configuration = configuration
    }

    var limits: Limits {
        Limits(maxFrameBytes: UInt32(configuration.maxFrameBytes),
               maxConcurrentCalls: UInt32(configuration.maxConcurrentCallsPerConnection))
    }

    var uptimeMillis: UInt64 {
        UInt64(max(0, (NIODeadline.now() - startedAt).nanoseconds / 1_000_000))
    }
}

/// State every connection of one server shares.
final class ServerShared: Sendable {
    let vitals: ServerVitals
    let router: Router
    /// In front of the router: authentication and authorisation.
    let interceptor: any CallInterceptor

    var configuration: ServerConfiguration { vitals.configuration }
    var counters: ServerCounters { vitals.counters }
    var connections: ConnectionRegistry { vitals.connections }
    var limits: Limits { vitals.limits }

    init(vitals: ServerVitals, router: Router, interceptor: any CallInterceptor) {
        self.vitals = vitals
        self.router = router
        self.interceptor = interceptor
    }
}

/// The open connections of a server, for shutdown and for statistics.
final class ConnectionRegistry: Sendable {
    private let connections = NIOLockedValueBox<[ObjectIdentifier: SocketConnection]>([:])

    func add(_ connection: SocketConnection) {
        connections.withLockedValue { $0[ObjectIdentifier(connection)] = connection }
        connection.closeFuture.whenComplete { [weak self] _ in
            self?.connections.withLockedValue { _ = $0.removeValue(forKey: ObjectIdentifier(connection)) }
        }
    }

    var all: [SocketConnection] { connections.withLockedValue { Array($0.values) } }

    /// Bytes written to connections that their sockets have not yet taken, summed, as of the
    /// last sample (at most `sampleInterval` old). Sampling keeps the cost off every call.
    var outboundBufferedBytes: UInt64 { sampledOutbound.load(ordering: .relaxed) }

    private let sampledOutbound = Atomic<UInt64>(0)
    static let sampleInterval = Duration.milliseconds(100)

    /// Samples the connections' buffered bytes every `sampleInterval` until cancelled.
    func sampleOutboundBytes() async {
        while !Task.isCancelled {
            var total: UInt64 = 0
            for connection in all { total += UInt64(connection.bufferedBytes) }
            sampledOutbound.store(total, ordering: .relaxed)
            try? await Task.sleep(for: Self.sampleInterval)
        }
    }
}
