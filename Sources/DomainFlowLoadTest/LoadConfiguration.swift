/// What a load run does, and its bounds. Every run is bounded by time and, optionally, count.
public struct LoadConfiguration: Sendable {
    public var socketPath: String
    public var connections: Int = 1
    /// Calls in flight per connection.
    public var inFlight: Int = 1
    /// Open loop at this many calls per second (all connections together); nil: closed loop.
    public var rate: Double?
    /// Measured phase length.
    public var duration: Duration = .seconds(10)
    /// Stop after this many measured calls (if reached before `duration`).
    public var requests: Int?
    /// Unmeasured phase before it.
    public var warmup: Duration = .zero
    public var mix = ScenarioMix([(.ping, 1)])
    public var payloadSize = 0
    /// Names in the campaign that `stream-results` streams.
    public var streamRows = 10_000
    /// Session token for methods that need one.
    public var authToken = ""

    public init(socketPath: String) {
        self.socketPath = socketPath
    }

    func validate() throws {
        guard connections >= 1, connections <= 10_000 else { throw LoadTestError("--connections must be 1...10000") }
        guard inFlight >= 1, inFlight <= 10_000 else { throw LoadTestError("--in-flight must be 1...10000") }
        if let rate { guard rate > 0, rate <= 10_000_000 else { throw LoadTestError("--rate must be > 0") } }
        guard duration > .zero, duration <= .seconds(24 * 3600) else { throw LoadTestError("--duration must be > 0 and at most a day") }
        if let requests { guard requests >= 1 else { throw LoadTestError("--requests must be at least 1") } }
    }
}
