import DomainFlowCore
import NIOCore

/// Runs a `ProxyHandshake` on a freshly connected channel, then removes itself and succeeds
/// `tunnelOpen`: from then on the channel carries the target's bytes.
final class ProxyHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var handshake: ProxyHandshake
    private let tunnelOpen: EventLoopPromise<Void>
    private var received: [UInt8] = []

    init(_ handshake: ProxyHandshake, tunnelOpen: EventLoopPromise<Void>) {
        self.handshake = handshake
        self.tunnelOpen = tunnelOpen
    }

    func handlerAdded(context: ChannelHandlerContext) {
        do {
            send(try handshake.start(), context: context)
        } catch {
            fail(HTTPFetchError(handshake: error), context: context)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += Array(buffer: unwrapInboundIn(data))
        do {
            while true {
                switch try handshake.receive(&received) {
                case .needMore: return
                case .send(let bytes): send(bytes, context: context)
                case .done:
                    context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
                    tunnelOpen.succeed()
                    return
                }
            }
        } catch {
            fail(HTTPFetchError(handshake: error), context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        tunnelOpen.fail(HTTPFetchError(.proxy, "the proxy closed the connection during its handshake"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(HTTPFetchError(.proxy, "during the proxy handshake: \(error)"), context: context)
    }

    private func send(_ bytes: [UInt8], context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
    }

    private func fail(_ error: HTTPFetchError, context: ChannelHandlerContext) {
        tunnelOpen.fail(error)
        context.close(promise: nil)
    }
}
