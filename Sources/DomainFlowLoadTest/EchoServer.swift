import DomainFlowWire
import NIOCore
import NIOPosix

/// The reference floor: the thinnest server on DomainFlow's framing. It decodes each frame
/// with protobuf-c and answers hello and ping by re-encoding, on the event loop, with no
/// router, no state machine and no Swift concurrency. Every other call gets UNIMPLEMENTED.
public final class EchoServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel

    private init(group: MultiThreadedEventLoopGroup, channel: any Channel) {
        self.group = group
        self.channel = channel
    }

    public static func start(socketPath: String, threads: Int = System.coreCount) async throws -> EchoServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let channel = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(EchoHandler())
                }
            }
            .bind(unixDomainSocketPath: socketPath, cleanupExistingSocketFile: true).get()
        return EchoServer(group: group, channel: channel)
    }

    public func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }
}

private final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let frame = try? FrameCodec.decodeClientFrame(unwrapInboundIn(data)) else {
            context.close(promise: nil)
            return
        }
        var out = context.channel.allocator.buffer(capacity: 64)
        switch frame {
        case .hello:
            try? FrameCodec.encode(.helloReply(HelloReply(protocolVersion: protocolVersion, serverVersion: "echo",
                limits: Limits(maxFrameBytes: UInt32(defaultMaxFrameBytes), maxConcurrentCalls: 1 << 20))), into: &out)
        case .request(let request) where request.method == Methods.ping.number:
            let echoed = PingResponse(payload: (try? request.body.decode(as: PingRequest.self))?.payload ?? [], serverTimeMicros: 0)
            try? FrameCodec.encode(.response(Response(callID: request.callID, method: request.method, body: .typed(echoed))), into: &out)
            try? FrameCodec.encode(.status(Status(callID: request.callID, code: .ok)), into: &out)
        case .request(let request):
            try? FrameCodec.encode(.status(Status(callID: request.callID, code: .unimplemented)), into: &out)
        case .cancel, .unknown:
            return
        }
        context.write(wrapOutboundOut(out), promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }
}
