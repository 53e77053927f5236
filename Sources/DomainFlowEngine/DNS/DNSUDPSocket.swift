import DomainFlowCore
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Receives the replies of a `DNSQueryRun`'s queries, on the socket's event loop.
protocol DNSReplySink: AnyObject {
    /// A reply to the query registered under `serial`; returns false when it is not the answer to that
    /// query (another sender, another question), which then stays open.
    func deliver(serial: Int, response: DNSResponse, from sender: SocketAddress) -> Bool
}

/// One long-lived UDP socket that many queries share: it picks a free random query id per query and
/// hands each reply to the run that asked, which checks sender and question. Confined to its channel's
/// event loop; every method must be called there.
final class DNSUDPSocket: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private struct Pending {
        let sink: any DNSReplySink
        let serial: Int
    }

    let channel: any Channel
    private var pending: [UInt16: Pending] = [:]
    private var needsFlush = false

    private init(channel: any Channel) { self.channel = channel }

    /// Opens a socket on `loop` bound to a random port of the wildcard address of `family`.
    static func open(on loop: any EventLoop, ipv6: Bool) -> EventLoopFuture<DNSUDPSocket> {
        DatagramBootstrap(group: loop)
            .channelOption(.socketOption(.so_rcvbuf), value: 8 << 20)
            .channelOption(.socketOption(.so_sndbuf), value: 4 << 20)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 4096))
            .channelOption(.maxMessagesPerRead, value: 32)
            .bind(host: ipv6 ? "::" : "0.0.0.0", port: 0)
            .flatMapThrowing { channel in
                let socket = DNSUDPSocket(channel: channel)
                try channel.pipeline.syncOperations.addHandler(socket)
                return socket
            }
    }

    /// Queries waiting for replies on this socket.
    var openQueries: Int { pending.count }

    /// Sends `query` (whose id bytes are overwritten with a free random id) to `resolver`; returns the id.
    func send(_ query: inout [UInt8], to resolver: SocketAddress, sink: any DNSReplySink, serial: Int) -> UInt16? {
        guard pending.count < 60_000 else { return nil }
        var id = UInt16.random(in: 0...UInt16.max)
        while pending[id] != nil { id = UInt16.random(in: 0...UInt16.max) }
        query[0] = UInt8(id >> 8); query[1] = UInt8(id & 0xFF)
        pending[id] = Pending(sink: sink, serial: serial)
        channel.write(AddressedEnvelope(remoteAddress: resolver, data: channel.allocator.buffer(bytes: query)), promise: nil)
        needsFlush = true
        return id
    }

    /// Forgets the query under `id` (timed out); a late reply is then ignored.
    func forget(_ id: UInt16, serial: Int) {
        if pending[id]?.serial == serial { pending[id] = nil }
    }

    func flushIfNeeded() {
        guard needsFlush else { return }
        needsFlush = false
        channel.flush()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let response = try? DNSMessage.parseResponse(Array(buffer: envelope.data)),
              let waiting = pending[response.id] else { return }  // stray, late or garbage: not ours
        if waiting.sink.deliver(serial: waiting.serial, response: response, from: envelope.remoteAddress) {
            pending[response.id] = nil
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP errors and the like on a shared socket: the affected queries time out and are retried.
    }
}

/// The long-lived DNS sockets of this process: a few per event loop and address family, opened on
/// first use and kept for every later run.
final class DNSSocketPool: Sendable {
    static let shared = DNSSocketPool()
    /// Sockets per event loop and family.
    let socketsPerLoop: Int
    private let openSockets = NIOLockedValueBox<[Key: EventLoopFuture<[DNSUDPSocket]>]>([:])

    private struct Key: Hashable {
        let loop: ObjectIdentifier
        let ipv6: Bool
    }

    init(socketsPerLoop: Int = 4) { self.socketsPerLoop = socketsPerLoop }

    func sockets(on loop: any EventLoop, ipv6: Bool) -> EventLoopFuture<[DNSUDPSocket]> {
        let key = Key(loop: ObjectIdentifier(loop), ipv6: ipv6)
        return openSockets.withLockedValue { map in
            if let existing = map[key] { return existing }
            let opening = EventLoopFuture.whenAllSucceed((0..<socketsPerLoop).map { _ in DNSUDPSocket.open(on: loop, ipv6: ipv6) }, on: loop)
            map[key] = opening
            opening.whenFailure { [weak self] _ in self?.openSockets.withLockedValue { $0[key] = nil } }
            return opening
        }
    }
}
