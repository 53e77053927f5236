import DomainFlowStore
import DomainFlowWire
import NIOCore

/// The server service: Ping, ServerInfoResponse, WatchServerStats.
enum ServerService {
    static func register(into router: inout Router, vitals: ServerVitals) {
        router.inline(Methods.ping) { request, _ in
            PingResponse(payload: request.payload, serverTimeMicros: Int64(NIODeadline.now().uptimeNanoseconds / 1000))
        }
        router.unary(Methods.serverInfo) { _, _ in
            let counters = vitals.counters
            var storeHealth: StoreHealth?
            if let store = vitals.configuration.store { storeHealth = StoreHealth(try await store.health()) }
            return ServerInfoResponse(
                serverVersion: serverVersion, protocolVersion: protocolVersion, limits: vitals.limits,
                uptimeMillis: vitals.uptimeMillis,
                openConnections: UInt32(counters.openConnections.load(ordering: .relaxed)),
                callsServed: counters.callsServed.load(ordering: .relaxed),
                callsInFlight: UInt64(counters.callsInFlight.load(ordering: .relaxed)),
                outboundBufferedBytes: vitals.connections.outboundBufferedBytes,
                store: storeHealth)
        }
        router.serverStream(Methods.watchServerStats) { request, _, writer in
            var sequence: UInt64 = 0
            while request.count == 0 || sequence < UInt64(request.count) {
                sequence += 1
                let counters = vitals.counters
                try await writer.write(ServerStats(
                    sequence: sequence, uptimeMillis: vitals.uptimeMillis,
                    openConnections: UInt32(counters.openConnections.load(ordering: .relaxed)),
                    callsServed: counters.callsServed.load(ordering: .relaxed),
                    callsInFlight: UInt64(counters.callsInFlight.load(ordering: .relaxed)),
                    outboundBufferedBytes: vitals.connections.outboundBufferedBytes))
                if request.intervalMillis > 0 {
                    try await Task.sleep(for: .milliseconds(Int(request.intervalMillis)))
                }
            }
        }
    }
}

extension StoreHealth {
    init(_ health: Store.Health) {
        self.init(poolSize: UInt32(health.poolSize), inUse: UInt32(health.inUse), waiters: UInt32(health.waiters),
                  databaseVersion: health.databaseVersion, schemaVersion: UInt32(health.schemaVersion))
    }
}
