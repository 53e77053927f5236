import NIOCore
import NIOHTTP1

/// One response as collected: the head and at most `maxBodyBytes` of the body.
struct CollectedResponse: Sendable {
    var head: HTTPResponseHead
    var body: [UInt8]
    var truncated: Bool
}

/// Collects one HTTP response, keeping at most `maxBodyBytes` of its body; past that it closes the
/// connection instead of downloading the rest. At the response's end it closes its channel only when
/// `closeAtEnd` (an HTTP/2 stream); an HTTP/1.1 connection is left for the server to close (`Connection: close`).
final class HTTPResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let maxBodyBytes: Int
    private let done: EventLoopPromise<CollectedResponse>
    private let closeAtEnd: Bool
    private var collected: CollectedResponse?

    init(maxBodyBytes: Int, closeAtEnd: Bool, done: EventLoopPromise<CollectedResponse>) {
        self.maxBodyBytes = maxBodyBytes
        self.closeAtEnd = closeAtEnd
        self.done = done
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            collected = CollectedResponse(head: head, body: [], truncated: false)
        case .body(var buffer):
            guard var response = collected, !response.truncated else { return }
            let room = maxBodyBytes - response.body.count
            if buffer.readableBytes > room {
                response.body += buffer.readBytes(length: room) ?? []
                response.truncated = true
                collected = response
                done.succeed(response)
                context.close(promise: nil)
            } else {
                response.body += buffer.readBytes(length: buffer.readableBytes) ?? []
                collected = response
            }
        case .end:
            if let collected { done.succeed(collected) }
            if closeAtEnd { context.close(promise: nil) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        done.fail(HTTPFetchError(.protocolError, collected == nil
            ? "the connection closed before a response arrived" : "the connection closed in the middle of the response"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        done.fail(HTTPFetcher.describe(error))
        context.close(promise: nil)
    }
}
