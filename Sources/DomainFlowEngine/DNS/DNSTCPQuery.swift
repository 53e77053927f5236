import DomainFlowCore
import NIOCore
import NIOPosix

/// One DNS query over TCP (RFC 7766 framing: a two-byte length before each message), for answers that
/// came back truncated over UDP. A connection per query: truncation is rare.
enum DNSTCPQuery {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The raw response to `query` from `resolver`, or a failure (timeout, connection, framing).
    static func send(_ query: [UInt8], to resolver: SocketAddress, on loop: any EventLoop, timeout: TimeAmount) -> EventLoopFuture<[UInt8]> {
        let answered = loop.makePromise(of: [UInt8].self)
        let timer = loop.scheduleTask(in: timeout) { answered.fail(Failure(description: "no answer over TCP")) }
        ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Reader(answered: answered)) }
            }
            .connect(to: resolver)
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    var buffer = channel.allocator.buffer(capacity: query.count + 2)
                    buffer.writeInteger(UInt16(query.count))
                    buffer.writeBytes(query)
                    channel.writeAndFlush(buffer, promise: nil)
                    answered.futureResult.whenComplete { _ in channel.close(promise: nil) }
                case .failure(let error):
                    answered.fail(Failure(description: "TCP connection failed: \(error)"))
                }
            }
        answered.futureResult.whenComplete { _ in timer.cancel() }
        return answered.futureResult
    }

    private final class Reader: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        private var buffer: ByteBuffer?
        private let answered: EventLoopPromise<[UInt8]>

        init(answered: EventLoopPromise<[UInt8]>) { self.answered = answered }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var incoming = unwrapInboundIn(data)
            if buffer == nil { buffer = incoming } else { buffer!.writeBuffer(&incoming) }
            guard let length = buffer!.getInteger(at: buffer!.readerIndex, as: UInt16.self),
                  buffer!.readableBytes >= Int(length) + 2 else { return }
            answered.succeed(buffer!.getBytes(at: buffer!.readerIndex + 2, length: Int(length)) ?? [])
        }

        func channelInactive(context: ChannelHandlerContext) {
            answered.fail(Failure(description: "the resolver closed the TCP connection before answering"))
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            answered.fail(Failure(description: "TCP: \(error)"))
            context.close(promise: nil)
        }
    }
}
