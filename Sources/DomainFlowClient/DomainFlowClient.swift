import DomainFlowCore
import DomainFlowEventLoop
import DomainFlowWire
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Synchronization

/// A connection to a DomainFlow server: many calls in flight at once, unary calls as
/// `async` functions, server streams as `AsyncSequence`s.
///
/// Cancelling the task that awaits a call (or iterates a stream) cancels the call on the
/// server. Failed calls throw `RPCError` (the server's status) or `ClientError`.
public final class DomainFlowClient: Sendable {
    private let channel: any Channel
    private let handler: NIOLoopBound<ClientHandler>
    private let nextCallID = Atomic<UInt64>(1)
    private let token = NIOLockedValueBox("")
    /// The server's answer to this connection's hello.
    public let serverHello: HelloReply

    /// Runs tasks on this connection's event loop: a task that prefers it (`Task(executorPreference:)`) makes its
    /// calls and gets their answers without a hop between threads (the load harness's workers do).
    public let executor: EventLoopTaskExecutor

    private init(channel: any Channel, handler: NIOLoopBound<ClientHandler>, serverHello: HelloReply) {
        self.channel = channel
        self.handler = handler
        self.serverHello = serverHello
        executor = EventLoopTaskExecutor(loop: channel.eventLoop)
    }

    /// Connects to the server at `socketPath` and performs the hello handshake.
    public static func connect(socketPath: String, clientName: String = "domainflow-client",
                               group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                               maxFrameBytes: Int = defaultMaxFrameBytes) async throws -> DomainFlowClient {
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameBytes: maxFrameBytes)))
                    try channel.pipeline.syncOperations.addHandler(ClientHandler())
                }
            }
            .connect(unixDomainSocketPath: socketPath).get()
        let handler = try await channel.eventLoop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: ClientHandler.self), eventLoop: channel.eventLoop)
        }.get()
        var frame = ByteBuffer()
        try FrameCodec.encode(.hello(Hello(clientName: clientName, maxFrameBytes: UInt32(maxFrameBytes))), into: &frame)
        let helloFrame = frame
        do {
            let reply = try await withCheckedThrowingContinuation { continuation in
                channel.eventLoop.execute { handler.value.startHello(helloFrame, continuation) }
            }
            return DomainFlowClient(channel: channel, handler: handler, serverHello: reply)
        } catch {
            try? await channel.close()
            throw error
        }
    }

    /// The session token sent with every call (empty: none).
    public var authToken: String {
        get { token.withLockedValue { $0 } }
        set { token.withLockedValue { $0 = newValue } }
    }

    /// Calls a unary method. `timeout` becomes the call's deadline on the server.
    public func unary<Input, Output>(_ method: Method<Input, Output>, _ request: Input,
                                     timeout: Duration? = nil) async throws -> Output {
        let callID = nextCallID.add(1, ordering: .relaxed).oldValue
        let frame = try requestFrame(callID: callID, method: method.number, body: .typed(request), timeout: timeout)
        let loop = channel.eventLoop
        let handler = self.handler
        let response = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                loop.runOnLoop {
                    handler.value.startUnary(callID, frame, continuation)
                    Self.scheduleLocalDeadline(callID, timeout: timeout, handler: handler, loop: loop)
                }
            }
        } onCancel: {
            loop.execute { handler.value.cancel(callID) }
        }
        return try response.decode(as: Output.self)
    }

    /// Opens a server stream. Messages arrive as they are iterated; stopping the iteration
    /// (or cancelling the iterating task) cancels the call.
    public func serverStream<Input, Output>(_ method: Method<Input, Output>, _ request: Input,
                                            timeout: Duration? = nil) throws -> ResponseStream<Output> {
        let callID = nextCallID.add(1, ordering: .relaxed).oldValue
        let frame = try requestFrame(callID: callID, method: method.number, body: .typed(request), timeout: timeout)
        let loop = channel.eventLoop
        let handler = self.handler
        let buffer = StreamBuffer { congested in loop.execute { handler.value.setCongested(congested) } }
        loop.execute {
            handler.value.startStream(callID, frame, buffer)
            Self.scheduleLocalDeadline(callID, timeout: timeout, handler: handler, loop: loop)
        }
        return ResponseStream(buffer: buffer, cancel: { loop.execute { handler.value.cancel(callID) } })
    }

    /// Closes the connection; open calls fail with `ClientError.connectionClosed`.
    public func close() async {
        try? await channel.close()
    }

    private func requestFrame(callID: UInt64, method: UInt32, body: MessageBody, timeout: Duration?) throws -> ByteBuffer {
        var millis: UInt32 = 0
        if let timeout {
            millis = UInt32(clamping: max(1, timeout.wholeMilliseconds))
        }
        var buffer = channel.allocator.buffer(capacity: 64)
        try FrameCodec.encode(.request(Request(callID: callID, timeoutMillis: millis, authToken: authToken,
                                               method: method, body: body)), into: &buffer)
        return buffer
    }

    /// The client's own guard for a deadline: if the server has not ended the call shortly
    /// after it, the call fails locally with DEADLINE_EXCEEDED.
    private static func scheduleLocalDeadline(_ callID: UInt64, timeout: Duration?,
                                              handler: NIOLoopBound<ClientHandler>, loop: any EventLoop) {
        guard let timeout else { return }
        loop.scheduleTask(in: .nanoseconds(timeout.wholeNanoseconds + 500_000_000)) {
            handler.value.expire(callID, error: RPCError(.deadlineExceeded, "deadline exceeded (no answer from the server)"))
        }
    }
}

/// The messages of a server-streaming call, in order. Throws the call's error status.
public struct ResponseStream<Element: WireMessage>: AsyncSequence, Sendable {
    let buffer: StreamBuffer
    let cancel: @Sendable () -> Void

    /// Cancels the call (the iteration then ends with CANCELLED).
    public func cancelCall() { cancel() }

    public func makeAsyncIterator() -> Iterator {
        Iterator(buffer: buffer, guardian: CancelOnDeinit(buffer: buffer, cancel: cancel))
    }

    public struct Iterator: AsyncIteratorProtocol {
        let buffer: StreamBuffer
        let guardian: CancelOnDeinit

        public mutating func next() async throws -> Element? {
            let cancel = guardian.cancel
            let message = try await withTaskCancellationHandler {
                try await buffer.next()
            } onCancel: {
                cancel()
            }
            guard let message else { return nil }
            return try message.decode(as: Element.self)
        }
    }
}

/// Cancels an unfinished stream when its last iterator goes away.
final class CancelOnDeinit: Sendable {
    let buffer: StreamBuffer
    let cancel: @Sendable () -> Void
    init(buffer: StreamBuffer, cancel: @escaping @Sendable () -> Void) {
        self.buffer = buffer
        self.cancel = cancel
    }
    deinit { if !buffer.isFinished { cancel() } }
}
