import DomainFlowWire
import NIOCore

/// The client side of one connection on its event loop: routes the server's frames to
/// the calls waiting for them, by call id.
final class ClientHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum PendingCall {
        case unary(CheckedContinuation<MessageBody, any Error>, response: MessageBody?)
        case stream(StreamBuffer)
    }

    private var calls: [UInt64: PendingCall] = [:]
    private var hello: CheckedContinuation<HelloReply, any Error>?
    private var closedReason: String?
    private var context: ChannelHandlerContext?
    /// Streams currently over their high-water mark; the socket is not read while any are.
    private var congestedStreams = 0
    /// Whether a flush of the calls started in this loop tick is already queued (`flushSoon`).
    private var flushScheduled = false
    /// Stream messages of the current read, handed to their streams together when the read completes
    /// (one hop to a waiting consumer per read, not per message).
    private var unflushed: [UInt64: (buffer: StreamBuffer, messages: [MessageBody], bytes: [Int])] = [:]

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushStreams()
        context.fireChannelReadComplete()
    }

    /// Hands the messages of this read to their streams (before any of them ends).
    private func flushStreams(_ callID: UInt64? = nil) {
        guard !unflushed.isEmpty else { return }
        if let callID {
            if let pending = unflushed.removeValue(forKey: callID) { pending.buffer.push(contentsOf: pending.messages, bytes: pending.bytes) }
            return
        }
        let pending = unflushed
        unflushed.removeAll(keepingCapacity: true)
        for (_, p) in pending { p.buffer.push(contentsOf: p.messages, bytes: p.bytes) }
    }

    // MARK: starting calls (event loop)

    func startHello(_ frame: ByteBuffer, _ continuation: CheckedContinuation<HelloReply, any Error>) {
        guard let context, closedReason == nil else {
            continuation.resume(throwing: ClientError.connectionClosed(closedReason ?? "not connected")); return
        }
        hello = continuation
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    func startUnary(_ callID: UInt64, _ frame: ByteBuffer, _ continuation: CheckedContinuation<MessageBody, any Error>) {
        guard let context, closedReason == nil else {
            continuation.resume(throwing: ClientError.connectionClosed(closedReason ?? "not connected")); return
        }
        calls[callID] = .unary(continuation, response: nil)
        context.write(wrapOutboundOut(frame), promise: nil)
        flushSoon(context)
    }

    /// Flushes once the loop has run what is queued now: the calls started in one tick leave in one write.
    private func flushSoon(_ context: ChannelHandlerContext) {
        guard !flushScheduled else { return }
        flushScheduled = true
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute {
            bound.value.flushScheduled = false
            bound.value.context?.flush()
        }
    }

    func startStream(_ callID: UInt64, _ frame: ByteBuffer, _ buffer: StreamBuffer) {
        guard let context, closedReason == nil else {
            buffer.finish(.failure(ClientError.connectionClosed(closedReason ?? "not connected"))); return
        }
        calls[callID] = .stream(buffer)
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    /// Cancels a call locally (it fails with CANCELLED at once) and tells the server.
    func cancel(_ callID: UInt64) {
        unflushed[callID] = nil
        guard let call = calls.removeValue(forKey: callID), let context else { return }
        fail(call, with: RPCError(.cancelled, "cancelled by the client"))
        var buffer = context.channel.allocator.buffer(capacity: 16)
        try? FrameCodec.encode(.cancel(callID: callID), into: &buffer)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    /// Fails a call that the client gave up on (its own deadline) and tells the server.
    func expire(_ callID: UInt64, error: RPCError) {
        unflushed[callID] = nil
        guard let call = calls.removeValue(forKey: callID), let context else { return }
        fail(call, with: error)
        var buffer = context.channel.allocator.buffer(capacity: 16)
        try? FrameCodec.encode(.cancel(callID: callID), into: &buffer)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    func setCongested(_ congested: Bool) {
        congestedStreams += congested ? 1 : -1
        context?.channel.setOption(.autoRead, value: congestedStreams <= 0).whenComplete { _ in }
        if congestedStreams <= 0 { context?.read() }
    }

    // MARK: frames from the server

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame: ServerFrame
        let payload = unwrapInboundIn(data)
        do {
            frame = try FrameCodec.decodeServerFrame(payload)
        } catch {
            failAll("undecodable frame from server: \(error)")
            context.close(promise: nil)
            return
        }
        switch frame {
        case .helloReply(let reply):
            hello?.resume(returning: reply)
            hello = nil
        case .response(let response):
            switch calls[response.callID] {
            case .unary(let continuation, _):
                calls[response.callID] = .unary(continuation, response: response.body)
            case .stream(let buffer):
                unflushed[response.callID, default: (buffer, [], [])].messages.append(response.body)
                unflushed[response.callID]?.bytes.append(payload.readableBytes)
            case nil:
                break  // a call we gave up on
            }
        case .status(let status):
            received(status)
        case .unknown:
            break  // a newer server's frame kind: ignored, per the evolution rules
        }
    }

    private func received(_ status: Status) {
        if status.callID == 0 {
            let error = RPCError(status.code, status.message)
            if let hello {
                self.hello = nil
                hello.resume(throwing: ClientError.handshakeFailed(error))
            }
            return  // a connection-level report; if fatal, the server closes and channelInactive fails the calls
        }
        guard let call = calls.removeValue(forKey: status.callID) else { return }
        switch call {
        case .unary(let continuation, let response):
            if status.code == .ok {
                if let response { continuation.resume(returning: response) }
                else { continuation.resume(throwing: RPCError(.internal, "call ended OK without a response")) }
            } else {
                continuation.resume(throwing: RPCError(status.code, status.message))
            }
        case .stream(let buffer):
            flushStreams(status.callID)  // its messages of this read come before its end
            buffer.finish(status.code == .ok ? .success(()) : .failure(RPCError(status.code, status.message)))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll("the server closed the connection")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll("\(error)")
        context.close(promise: nil)
    }

    private func failAll(_ reason: String) {
        if closedReason == nil { closedReason = reason }
        unflushed.removeAll()
        let error = ClientError.connectionClosed(reason)
        hello?.resume(throwing: error)
        hello = nil
        let pending = calls
        calls.removeAll()
        for call in pending.values { fail(call, with: error) }
    }

    private func fail(_ call: PendingCall, with error: any Error) {
        switch call {
        case .unary(let continuation, _): continuation.resume(throwing: error)
        case .stream(let buffer): buffer.finish(.failure(error))
        }
    }
}
