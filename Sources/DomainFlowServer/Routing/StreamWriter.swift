import DomainFlowWire

/// Sends the messages of a server-streaming call. `write` suspends while the client's
/// socket is not writable, so a stream is produced only as fast as the client reads;
/// it throws once the call has ended (cancelled, deadline, client gone).
public struct StreamWriter<Output: WireMessage>: Sendable {
    let sink: any ResponseSink

    public func write(_ message: Output) async throws {
        try await sink.send(message.fields)
    }
}

/// Where a streaming handler's messages go: the connection, or a test's collector.
protocol ResponseSink: Sendable {
    func send(_ message: ProtoFields) async throws
}
