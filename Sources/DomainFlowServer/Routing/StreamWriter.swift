import DomainFlowWire

/// Sends the messages of a server-streaming call. `write` suspends while the client's
/// socket is not writable, so a stream is produced only as fast as the client reads;
/// it throws once the call has ended (cancelled, deadline, client gone).
public struct StreamWriter<Output: WireMessage>: Sendable {
    let sink: any ResponseSink

    public func write(_ message: Output) async throws {
        try await sink.send([.typed(message)])
    }

    /// Writes several messages with one hop to the connection and one flush: the way to
    /// stream many small rows fast. Suspends, like `write`, while the client is not reading.
    public func write(contentsOf messages: [Output]) async throws {
        guard !messages.isEmpty else { return }
        try await sink.send(messages.map { .typed($0) })
    }
}

/// Where a streaming handler's messages go: the connection, or a test's collector.
protocol ResponseSink: Sendable {
    func send(_ messages: [MessageBody]) async throws
}
