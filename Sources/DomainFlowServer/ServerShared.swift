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
    private let channels = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])

    func add(_ channel: any Channel) {
        channels.withLockedValue { $0[ObjectIdentifier(channel)] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in
            self?.channels.withLockedValue { _ = $0.removeValue(forKey: ObjectIdentifier(channel)) }
        }
    }

    var all: [any Channel] { channels.withLockedValue { Array($0.values) } }

    /// Bytes written to connections that their sockets have not yet taken, summed, as of the
    /// last sample (at most `sampleInterval` old). Sampling keeps the cost off every call.
    var outboundBufferedBytes: UInt64 { sampledOutbound.load(ordering: .relaxed) }

    private let sampledOutbound = Atomic<UInt64>(0)
    static let sampleInterval = Duration.milliseconds(100)

    /// Samples the connections' buffered bytes every `sampleInterval` until cancelled.
    func sampleOutboundBytes() async {
        while !Task.isCancelled {
            var total: UInt64 = 0
            for channel in all {
                if let bytes = try? await channel.getOption(ChannelOptions.bufferedWritableBytes).get() {
                    total += UInt64(max(0, bytes))
                }
            }
            sampledOutbound.store(total, ordering: .relaxed)
            try? await Task.sleep(for: Self.sampleInterval)
        }
    }
}
