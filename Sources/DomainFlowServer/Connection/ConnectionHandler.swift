import DomainFlowEventLoop
import DomainFlowWire
import Logging
import NIOCore

/// The protocol end of one client connection: decodes the frames its `SocketConnection` reads, feeds them to the
/// `ConnectionStateMachine` (which holds every open call), does what it answers, runs calls through the `Router`
/// and writes their frames. All its state is confined to the connection's event loop.
final class ConnectionHandler {
    private static let allocator = ByteBufferAllocator()
    private let shared: ServerShared
    private var machine: ConnectionStateMachine
    private let connection: SocketConnection
    private var logger: Logger
    private var peer: PeerCredentials? { connection.peer }
    private var clientName = ""
    /// Frames written since the last flush, sent with one write at the flush (the end of a read batch, or of a
    /// call completed off the loop): the replies to a batch of pipelined calls leave together.
    private var pendingOutput: ByteBuffer?
    /// Where the handler tasks of this connection's calls run: its event loop.
    private let executor: EventLoopTaskExecutor
    private var loop: EpollEventLoop { connection.loop }

    init(shared: ServerShared, connectionID: UInt64, connection: SocketConnection) {
        self.shared = shared
        self.connection = connection
        self.machine = ConnectionStateMachine(maxConcurrentCalls: shared.configuration.maxConcurrentCallsPerConnection)
        self.executor = EventLoopTaskExecutor(loop: connection.loop)
        var logger = shared.configuration.logger
        logger[metadataKey: "connection"] = "\(connectionID)"
        if let peer = connection.peer { logger[metadataKey: "peer"] = "\(peer)" }
        self.logger = logger
    }

    // MARK: connection events

    func connectionOpened() {
        shared.counters.openConnections.add(1, ordering: .relaxed)
        logger.debug("connection opened")
    }

    func connectionClosed() {
        shared.counters.openConnections.subtract(1, ordering: .relaxed)
        for callID in machine.openCallIDs {
            // The client is gone: cancel its work; there is no one to send a status to.
            endCall(callID, status: nil, cancelWork: true)
        }
        machine.closed()
        logger.debug("connection closed")
    }

    /// One frame's payload, as the connection read it.
    func frameReceived(_ payload: ByteBuffer) {
        let frame: ClientFrame
        do {
            frame = try FrameCodec.decodeClientFrame(payload)
        } catch {
            logger.notice("undecodable frame", metadata: ["error": "\(error)"])
            sendStatus(Status(callID: 0, code: .invalidArgument, message: "\(error)"))
            return
        }
        switch frame {
        case .hello(let hello): receivedHello(hello)
        case .request(let request): receivedRequest(request)
        case .cancel(let callID): receivedCancel(callID)
        case .unknown:
            sendStatus(Status(callID: 0, code: .invalidArgument, message: "frame sets no known kind (hello, request, cancel)"))
        }
    }

    /// The end of one read's frames: the replies made meanwhile leave together.
    func readComplete() {
        flushIfNeeded()
    }

    func writabilityChanged() {
        if connection.isWritable {
            for waiter in machine.becameWritable() { waiter.resume() }
        }
    }

    /// The byte stream broke the framing (an oversized frame): answered, then the connection is closed.
    func protocolError(_ error: WireError) {
        logger.notice("oversized frame, closing connection", metadata: ["error": "\(error)"])
        sendStatus(Status(callID: 0, code: .resourceExhausted, message: "\(error)"))
        closeAfterFlush()
    }

    // MARK: frames

    private func receivedHello(_ hello: Hello) {
        switch machine.receivedHello(version: hello.protocolVersion) {
        case .reply:
            clientName = hello.clientName
            logger[metadataKey: "client"] = "\(hello.clientName)"
            let reply = HelloReply(protocolVersion: protocolVersion, serverVersion: serverVersion, limits: shared.limits)
            write(.helloReply(reply))
        case .rejectAndClose(let error):
            sendStatus(Status(callID: 0, error: error))
            closeAfterFlush()
        }
    }

    private func receivedRequest(_ request: Request) {
        let entry = shared.router.entry(for: request.method)
        let inlineBody = entry.flatMap(answeredAtOnce)
        // A call answered at once (no handler, or one that runs inline) never opens: it is checked as any call is,
        // then answered within this read, so it costs no entry in the machine, no timer and no in-flight count.
        let opens = entry != nil && inlineBody == nil
        switch machine.receivedRequest(callID: request.callID, opens: opens) {
        case .open:
            break
        case .rejectCall(let error):
            sendStatus(Status(callID: request.callID, error: error))
            return
        case .rejectOnConnection(let error):
            sendStatus(Status(callID: 0, error: error))
            return
        case .rejectAndClose(let error):
            sendStatus(Status(callID: 0, error: error))
            closeAfterFlush()
            return
        }
        guard let entry else {
            let name = request.method == 0 ? "request names no method" : "method \(request.method) is not implemented by this server"
            answer(request, method: "unimplemented", result: .failure(RPCError(.unimplemented, name)), opened: nil)
            return
        }
        let deadline = request.timeoutMillis > 0 ? NIODeadline.now() + .milliseconds(Int64(request.timeoutMillis)) : nil
        let callContext = CallContext(callID: request.callID, methodName: entry.name, deadline: deadline, peer: peer,
                                      clientName: clientName, authToken: request.authToken, connectionLogger: logger)
        if let inlineBody {
            let opened: NIODeadline? = logger.logLevel <= .debug ? .now() : nil
            answer(request, method: entry.name, result: Result { try inlineBody(request.body, callContext) }, opened: opened)
            return
        }
        if logger.logLevel <= .debug { machine.update(request.callID) { $0.debugStart = (entry.name, .now()) } }
        shared.counters.callsInFlight.add(1, ordering: .relaxed)
        if let deadline {
            let bound = NIOLoopBound(self, eventLoop: loop)
            let callID = request.callID
            let timer = loop.scheduleTask(deadline: deadline) {
                bound.value.endCall(callID, status: Status(callID: callID, code: .deadlineExceeded,
                    message: "deadline of \(request.timeoutMillis) ms exceeded"), cancelWork: true)
                bound.value.flushIfNeeded()  // out of any read: nothing else would send the status now
            }
            machine.update(callID) { $0.deadlineTimer = timer }
        }
        dispatch(entry, request: request, context: callContext)
    }

    /// The body of a handler that answers on the event loop without opening the call: an inline one whose
    /// admission needs no I/O.
    private func answeredAtOnce(_ entry: Router.Entry) -> (@Sendable (MessageBody, CallContext) throws -> MessageBody)? {
        guard case .inline(let body) = entry.handler, !shared.interceptor.needsIO(for: entry.access) else { return nil }
        return body
    }

    /// Answers a call that never opened: its response (on success) and its status, counted and logged as an ended call.
    private func answer(_ request: Request, method name: String, result: Result<MessageBody, any Error>, opened: NIODeadline?) {
        let status = writeReply(request.callID, method: request.method, result: result)
        sendStatus(status)
        callEnded(request.callID, status: status, debugStart: opened.map { (name, $0) })
    }

    private func dispatch(_ entry: Router.Entry, request: Request, context callContext: CallContext) {
        let loop = self.loop
        let callID = request.callID
        let method = request.method
        let interceptor = shared.interceptor
        let access = entry.access
        /// Admits the call (the one place it happens), then returns the context the handler sees.
        @Sendable func authorized(_ context: CallContext) async throws -> CallContext {
            try await interceptor.admit(context, access: access, method: method)
        }
        let unaryBody: @Sendable (MessageBody, CallContext) async throws -> MessageBody
        switch entry.handler {
        case .inline(let body):  // here only when admitting the call needs the database: then it runs as a task
            unaryBody = { message, context in try body(message, context) }
        case .unary(let body):
            unaryBody = body
        case .serverStream(let body):
            let bound = NIOLoopBound(self, eventLoop: loop)
            let sink = ConnectionResponseSink(handler: bound, loop: loop, callID: callID, method: method)
            let message = request.body
            let task = Task(executorPreference: executor) {
                let status: Status
                do {
                    try await body(message, try await authorized(callContext), sink)
                    status = Status(callID: callID, code: .ok)
                } catch {
                    status = ConnectionHandler.statusFor(error, callID: callID, logger: callContext.logger)
                }
                loop.runOnLoop {
                    bound.value.endCall(callID, status: status, cancelWork: false)
                    bound.value.flushIfNeeded()
                }
            }
            machine.update(callID) { $0.task = task }
            return
        }
        let bound = NIOLoopBound(self, eventLoop: loop)
        let message = request.body
        let task = Task(executorPreference: executor) {
            let result: Result<MessageBody, any Error>
            do { result = .success(try await unaryBody(message, try await authorized(callContext))) } catch { result = .failure(error) }
            loop.runOnLoop {
                bound.value.completeUnary(callID, method: method, result: result)
                bound.value.flushIfNeeded()
            }
        }
        machine.update(callID) { $0.task = task }
    }

    private func receivedCancel(_ callID: UInt64) {
        guard machine.isOpen(callID) else { return }  // already ended: nothing to do
        endCall(callID, status: Status(callID: callID, code: .cancelled, message: "cancelled by the client"), cancelWork: true)
    }

    // MARK: call completion (event loop only)

    private func completeUnary(_ callID: UInt64, method: UInt32, result: Result<MessageBody, any Error>) {
        guard machine.isOpen(callID) else { return }  // ended already (deadline, cancel)
        endCall(callID, status: writeReply(callID, method: method, result: result), cancelWork: false)
    }

    /// Writes a unary call's response when it succeeded; returns the status that ends it.
    private func writeReply(_ callID: UInt64, method: UInt32, result: Result<MessageBody, any Error>) -> Status {
        switch result {
        case .success(let message):
            write(.response(Response(callID: callID, method: method, body: message)))
            return Status(callID: callID, code: .ok)
        case .failure(let error):
            return Self.statusFor(error, callID: callID, logger: logger)
        }
    }

    static func statusFor(_ error: any Error, callID: UInt64, logger: Logger) -> Status {
        let rpcError = RPCError.from(error)
        if rpcError.code == .internal { logger.error("handler failed", metadata: ["error": "\(error)"]) }
        return Status(callID: callID, error: rpcError)
    }

    /// Ends a call exactly once: cancels its timer (and its task when asked), fails a waiting
    /// stream write, and sends its terminal status (nil when the client is gone).
    private func endCall(_ callID: UInt64, status: Status?, cancelWork: Bool) {
        guard let end = machine.endCall(callID, cancelWork: cancelWork) else { return }
        let call = end.call
        call.deadlineTimer?.cancel()
        if end.cancelTask { call.task?.cancel() }
        call.writeWaiter?.resume(throwing: RPCError(status?.code ?? .cancelled, status?.message ?? "call ended"))
        shared.counters.callsInFlight.subtract(1, ordering: .relaxed)
        if let status { sendStatus(status) }
        callEnded(callID, status: status, debugStart: call.debugStart)
        if end.close == .closeAfterFlush { closeAfterFlush() }
    }

    /// Counts an ended call, and logs it at debug level.
    private func callEnded(_ callID: UInt64, status: Status?, debugStart: (method: String, opened: NIODeadline)?) {
        shared.counters.callsServed.add(1, ordering: .relaxed)
        guard let start = debugStart else { return }
        logger.debug("call ended", metadata: [
            "call": "\(callID)", "method": "\(start.method)", "code": "\(status?.code ?? .cancelled)",
            "micros": "\((NIODeadline.now() - start.opened).nanoseconds / 1000)",
        ])
    }

    /// Writes one message of a stream; `waiter` resumes when the writer may send the next.
    func writeStreamMessage(_ callID: UInt64, frame: ByteBuffer, waiter: CheckedContinuation<Void, any Error>) {
        guard machine.isOpen(callID), connection.isOpen else {
            waiter.resume(throwing: RPCError(.cancelled, "call ended"))
            return
        }
        writePending()  // frames written before this one go first
        connection.write(frame)
        connection.flush()
        switch machine.streamWrote(callID, waiter: waiter, writable: connection.isWritable) {
        case .resume(let waiter): waiter.resume()
        case .fail(let waiter): waiter.resume(throwing: RPCError(.cancelled, "call ended"))
        case .wait: break
        }
    }

    // MARK: shutdown

    /// Stops taking calls; closes once open calls have ended.
    func beginDraining() {
        if machine.beginDraining() == .closeAfterFlush { closeAfterFlush() }
    }

    /// Ends every open call with UNAVAILABLE and closes (the grace period is over).
    func abortCalls() {
        for callID in machine.openCallIDs {
            endCall(callID, status: Status(callID: callID, code: .unavailable, message: "server is shutting down"),
                    cancelWork: true)
        }
        closeAfterFlush()
    }

    // MARK: writing

    private func write(_ frame: ServerFrame) {
        var buffer = pendingOutput.take() ?? Self.allocator.buffer(capacity: 256)
        let mark = buffer.writerIndex
        do {
            try FrameCodec.encode(frame, into: &buffer)
        } catch {
            buffer.moveWriterIndex(to: mark)
            logger.error("cannot encode frame", metadata: ["error": "\(error)"])
        }
        pendingOutput = buffer
    }

    /// Hands the frames written so far to the connection (without flushing).
    private func writePending() {
        guard let buffer = pendingOutput.take(), buffer.readableBytes > 0 else { return }
        connection.write(buffer)
    }

    private func sendStatus(_ status: Status) {
        write(.status(status))
    }

    func flushIfNeeded() {
        guard pendingOutput != nil else { return }
        writePending()
        connection.flush()
    }

    private func closeAfterFlush() {
        flushIfNeeded()
        connection.close()
    }
}

/// Sends a stream's messages through its connection (a hop to the event loop when the
/// writer is elsewhere), waiting while the socket is not writable.
struct ConnectionResponseSink: ResponseSink {
    let handler: NIOLoopBound<ConnectionHandler>
    let loop: EpollEventLoop
    let callID: UInt64
    let method: UInt32

    func send(_ messages: [MessageBody]) async throws {
        try Task.checkCancellation()
        var buffer = ByteBuffer()
        for message in messages {
            try FrameCodec.encode(.response(Response(callID: callID, method: method, body: message)), into: &buffer)
        }
        let frame = buffer
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            loop.runOnLoop {
                handler.value.writeStreamMessage(callID, frame: frame, waiter: waiter)
            }
        }
    }
}
