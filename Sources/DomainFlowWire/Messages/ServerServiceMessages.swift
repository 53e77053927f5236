/// `PingRequest`: a payload to echo.
public struct PingRequest: WireMessage, Equatable {
    public var payload: [UInt8]
    public init(payload: [UInt8] = []) { self.payload = payload }
    public init(fields f: ProtoFields) { payload = f.bytes(1) }
    public var fields: ProtoFields { [1: .bytes(payload)] }
}

/// `PingResponse`: the echoed payload and the server's clock.
public struct PingResponse: WireMessage, Equatable {
    public var payload: [UInt8]
    public var serverTimeMicros: Int64
    public init(payload: [UInt8], serverTimeMicros: Int64) {
        self.payload = payload
        self.serverTimeMicros = serverTimeMicros
    }
    public init(fields f: ProtoFields) { self.init(payload: f.bytes(1), serverTimeMicros: f.int64(2)) }
    public var fields: ProtoFields { [1: .bytes(payload), 2: .int(serverTimeMicros)] }
}

/// `StoreHealth`: the PostgreSQL pool's state.
public struct StoreHealth: WireMessage, Equatable {
    public var poolSize: UInt32
    public var inUse: UInt32
    public var waiters: UInt32
    public var databaseVersion: String
    public var schemaVersion: UInt32

    public init(poolSize: UInt32, inUse: UInt32, waiters: UInt32, databaseVersion: String, schemaVersion: UInt32) {
        self.poolSize = poolSize
        self.inUse = inUse
        self.waiters = waiters
        self.databaseVersion = databaseVersion
        self.schemaVersion = schemaVersion
    }
    public init(fields f: ProtoFields) {
        self.init(poolSize: f.uint32(1), inUse: f.uint32(2), waiters: f.uint32(3),
                  databaseVersion: f.string(4), schemaVersion: f.uint32(5))
    }
    public var fields: ProtoFields {
        [1: .uint(UInt64(poolSize)), 2: .uint(UInt64(inUse)), 3: .uint(UInt64(waiters)),
         4: .string(databaseVersion), 5: .uint(UInt64(schemaVersion))]
    }
}

/// `ServerInfoResponse`: versions, limits and counters of the server.
public struct ServerInfo: WireMessage, Equatable {
    public var serverVersion: String
    public var protocolVersion: UInt32
    public var limits: Limits
    public var uptimeMillis: UInt64
    public var openConnections: UInt32
    public var callsServed: UInt64
    public var callsInFlight: UInt64
    public var outboundBufferedBytes: UInt64
    public var store: StoreHealth?

    public init(serverVersion: String, protocolVersion: UInt32, limits: Limits, uptimeMillis: UInt64,
                openConnections: UInt32, callsServed: UInt64, callsInFlight: UInt64,
                outboundBufferedBytes: UInt64, store: StoreHealth?) {
        self.serverVersion = serverVersion
        self.protocolVersion = protocolVersion
        self.limits = limits
        self.uptimeMillis = uptimeMillis
        self.openConnections = openConnections
        self.callsServed = callsServed
        self.callsInFlight = callsInFlight
        self.outboundBufferedBytes = outboundBufferedBytes
        self.store = store
    }
    public init(fields f: ProtoFields) throws {
        self.init(serverVersion: f.string(1), protocolVersion: f.uint32(2),
                  limits: try f.decode(3) ?? Limits(maxFrameBytes: 0, maxConcurrentCalls: 0),
                  uptimeMillis: f.uint64(4), openConnections: f.uint32(5), callsServed: f.uint64(6),
                  callsInFlight: f.uint64(7), outboundBufferedBytes: f.uint64(8), store: try f.decode(9))
    }
    public var fields: ProtoFields {
        [1: .string(serverVersion), 2: .uint(UInt64(protocolVersion)), 3: .of(limits), 4: .uint(uptimeMillis),
         5: .uint(UInt64(openConnections)), 6: .uint(callsServed), 7: .uint(callsInFlight),
         8: .uint(outboundBufferedBytes), 9: .of(store)]
    }
}

/// `WatchServerStatsRequest`: how often, and how many (0: until cancelled).
public struct WatchServerStatsRequest: WireMessage, Equatable {
    public var intervalMillis: UInt32
    public var count: UInt32
    public init(intervalMillis: UInt32, count: UInt32 = 0) {
        self.intervalMillis = intervalMillis
        self.count = count
    }
    public init(fields f: ProtoFields) { self.init(intervalMillis: f.uint32(1), count: f.uint32(2)) }
    public var fields: ProtoFields { [1: .uint(UInt64(intervalMillis)), 2: .uint(UInt64(count))] }
}

/// `ServerStats`: one sample of the server's counters.
public struct ServerStats: WireMessage, Equatable {
    public var sequence: UInt64
    public var uptimeMillis: UInt64
    public var openConnections: UInt32
    public var callsServed: UInt64
    public var callsInFlight: UInt64
    public var outboundBufferedBytes: UInt64

    public init(sequence: UInt64, uptimeMillis: UInt64, openConnections: UInt32, callsServed: UInt64,
                callsInFlight: UInt64, outboundBufferedBytes: UInt64) {
        self.sequence = sequence
        self.uptimeMillis = uptimeMillis
        self.openConnections = openConnections
        self.callsServed = callsServed
        self.callsInFlight = callsInFlight
        self.outboundBufferedBytes = outboundBufferedBytes
    }
    public init(fields f: ProtoFields) {
        self.init(sequence: f.uint64(1), uptimeMillis: f.uint64(2), openConnections: f.uint32(3),
                  callsServed: f.uint64(4), callsInFlight: f.uint64(5), outboundBufferedBytes: f.uint64(6))
    }
    public var fields: ProtoFields {
        [1: .uint(sequence), 2: .uint(uptimeMillis), 3: .uint(UInt64(openConnections)), 4: .uint(callsServed),
         5: .uint(callsInFlight), 6: .uint(outboundBufferedBytes)]
    }
}
