import DomainFlowWire

/// Maps method numbers to handlers. Knows nothing of sockets: tests drive it directly.
public struct Router: Sendable {
    /// A handler erased to the wire model.
    enum Handler: Sendable {
        /// Answered on the connection's event loop, no hop: for calls that need no I/O.
        case inline(@Sendable (MessageBody, CallContext) throws -> MessageBody)
        case unary(@Sendable (MessageBody, CallContext) async throws -> MessageBody)
        case serverStream(@Sendable (MessageBody, CallContext, any ResponseSink) async throws -> Void)
    }

    struct Entry: Sendable {
        let name: String
        let access: Access
        let handler: Handler
    }

    private(set) var entries: [UInt32: Entry] = [:]

    public init() {}

    func entry(for method: UInt32) -> Entry? { entries[method] }

    /// Registers a unary handler that runs on the event loop; it must not block or wait.
    public mutating func inline<I, O>(_ method: Method<I, O>, _ body: @escaping @Sendable (I, CallContext) throws -> O) {
        add(method, .inline { message, context in .typed(try body(message.decode(as: I.self), context)) })
    }

    /// Registers a unary handler that runs as a task.
    public mutating func unary<I, O>(_ method: Method<I, O>,
                                     _ body: @escaping @Sendable (I, CallContext) async throws -> O) {
        add(method, .unary { message, context in .typed(try await body(message.decode(as: I.self), context)) })
    }

    /// Registers a server-streaming handler; the call ends with OK when `body` returns.
    public mutating func serverStream<I, O>(
        _ method: Method<I, O>, _ body: @escaping @Sendable (I, CallContext, StreamWriter<O>) async throws -> Void
    ) {
        add(method, .serverStream { message, context, sink in
            try await body(message.decode(as: I.self), context, StreamWriter(sink: sink))
        })
    }

    private mutating func add<I, O>(_ method: Method<I, O>, _ handler: Handler) {
        precondition(entries[method.number] == nil, "method \(method.number) registered twice")
        guard let access = MethodAccess.of(method.number) else {
            preconditionFailure("method \(method.name) (\(method.number)) has no declared access: add it to MethodAccess")
        }
        entries[method.number] = Entry(name: method.name, access: access, handler: handler)
    }
}
