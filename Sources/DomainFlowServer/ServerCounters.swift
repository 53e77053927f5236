import Synchronization

/// Live counters of a server, shared by all connections.
final class ServerCounters: Sendable {
    let openConnections = Atomic<Int>(0)
    let callsServed = Atomic<UInt64>(0)
    let callsInFlight = Atomic<Int>(0)
}
