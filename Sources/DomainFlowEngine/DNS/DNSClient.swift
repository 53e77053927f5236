import DomainFlowCore
import NIOCore
import NIOPosix

/// One DNS query over UDP to one resolver, on an event loop (no thread waits for the answer), with a
/// timeout. A resolver nobody listens on is a timeout: an unconnected UDP socket does not see ICMP
/// errors, so only an answering server ends the wait early. Datagrams that are not the answer (another
/// sender, another id) are ignored.
public enum DNSClient {
    public enum Result: Sendable, Equatable {
        case outcome(DNSOutcome)
        case timeout
        case error(String)
    }

    public static func query(_ name: String, type: DNSRecordType, host: String, port: Int, timeout: Duration,
                             group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async -> Result {
        let id = UInt16.random(in: 1...UInt16.max)
        guard let query = DNSMessage.query(id: id, name: name, type: type) else { return .error("'\(name)' is not a valid name") }
        let resolver: SocketAddress
        do { resolver = try SocketAddress(ipAddress: host, port: port) } catch { return .error("bad address \(host)") }
        let channel: any Channel
        do {
            channel = try await DatagramBootstrap(group: group)
                .bind(host: resolver.protocol == .inet6 ? "::" : "0.0.0.0", port: 0).get()
        } catch {
            return .error("socket: \(error)")
        }
        let answered = channel.eventLoop.makePromise(of: Result.self)
        let timer = channel.eventLoop.scheduleTask(in: .nanoseconds(timeout.wholeNanoseconds)) { answered.succeed(.timeout) }
        defer {
            timer.cancel()
            answered.succeed(.timeout)  // ignored when already answered
            channel.close(promise: nil)
        }
        do {
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(AnswerHandler(resolver: resolver, id: id, type: type, answered: answered))
                channel.writeAndFlush(AddressedEnvelope(remoteAddress: resolver, data: channel.allocator.buffer(bytes: query)), promise: nil)
            }.get()
            return try await answered.futureResult.get()
        } catch {
            return .error("send: \(error)")
        }
    }
}

/// Waits for the resolver's answer to one query id.
private final class AnswerHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let resolver: SocketAddress
    private let id: UInt16
    private let type: DNSRecordType
    private let answered: EventLoopPromise<DNSClient.Result>

    init(resolver: SocketAddress, id: UInt16, type: DNSRecordType, answered: EventLoopPromise<DNSClient.Result>) {
        self.resolver = resolver; self.id = id; self.type = type; self.answered = answered
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard envelope.remoteAddress == resolver else { return }  // not from the resolver asked
        do {
            answered.succeed(.outcome(try DNSMessage.parse(Array(buffer: envelope.data), id: id, type: type)))
        } catch .wrongID {
            return  // a stray datagram; not ours
        } catch {
            answered.succeed(.error("malformed response: \(error)"))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        answered.succeed(.error("\(error)"))
    }
}
