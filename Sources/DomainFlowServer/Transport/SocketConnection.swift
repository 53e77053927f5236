import CLinuxEvents
import DomainFlowEventLoop
import DomainFlowWire
import Glibc
import NIOCore
import Synchronization

/// One client connection's socket on its `EpollEventLoop`: reads frames off it for its `ConnectionHandler`,
/// writes what the handler hands it (at once when the socket takes it, else when epoll says it can), tells the
/// handler when it should stop and may start writing again (the water marks of the bytes held unsent), and closes.
/// Everything but `closeFuture` and `loop` is confined to the loop's thread.
final class SocketConnection: LoopSocket, @unchecked Sendable {
    /// Over this many bytes held unsent, the connection is not writable (streams wait)...
    static let highWaterMark = 64 * 1024
    /// ...until they are down to this.
    static let lowWaterMark = 32 * 1024
    /// The free space a read asks for (one read takes what a socket buffer holds of small frames).
    private static let readSpace = 64 * 1024
    /// Reads per readiness before other connections get their turn.
    private static let readsPerTurn = 4

    let loop: EpollEventLoop
    let peer: PeerCredentials?
    private let fd: Int32
    private var token: UInt64 = 0
    private let frames: FrameReader
    private var input = ByteBuffer()
    private var output = ByteBuffer()
    private var waitsForWritable = false
    private let closePromise: EventLoopPromise<Void>
    /// The connection's protocol end; dropped when the connection closes (the two refer to each other until then).
    private var handler: ConnectionHandler?

    /// False once the connection has more than `highWaterMark` bytes unsent, true again at `lowWaterMark`.
    private(set) var isWritable = true
    private(set) var isOpen = true
    /// Succeeds when the connection has closed (and its handler has been told).
    var closeFuture: EventLoopFuture<Void> { closePromise.futureResult }
    /// Bytes handed to the connection that the socket has not taken yet (readable from any thread).
    var bufferedBytes: Int { unsent.load(ordering: .relaxed) }
    private let unsent = Atomic<Int>(0)

    /// Takes `fd` (a connected, non-blocking socket); `start` registers it. On `loop`'s thread.
    init(fd: Int32, loop: EpollEventLoop, maxFrameBytes: Int) {
        self.fd = fd
        self.loop = loop
        self.frames = FrameReader(maxFrameBytes: maxFrameBytes)
        self.peer = PeerCredentials.read(fd: fd)
        self.closePromise = loop.makePromise()
    }

    /// Registers with the loop and hands the connection to `handler`; closes at once when epoll refuses it.
    func start(_ handler: ConnectionHandler) {
        self.handler = handler
        guard let token = loop.register(self, fd: fd, events: EPOLLIN.rawValue) else {
            close()
            return
        }
        self.token = token
        handler.connectionOpened()
    }

    /// Runs `body` with the connection's handler on its loop (nothing when it has closed by then).
    func onHandler(_ body: @escaping @Sendable (ConnectionHandler) -> Void) {
        loop.execute {
            if let handler = self.handler { body(handler) }
        }
    }

    // MARK: epoll

    func ready(_ events: UInt32) {
        if events & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 { readable() }
        if isOpen && events & EPOLLOUT.rawValue != 0 { writeOut() }
    }

    private func readable() {
        var reads = 0
        while isOpen {
            if input.readableBytes == 0 {
                input.clear()
            } else if input.readerIndex > 0 && input.writableBytes < Self.readSpace / 2 {
                input.discardReadBytes()
            }
            var count = 0
            var space = 0
            var error: Int32 = 0
            input.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.readSpace) { free in
                space = free.count
                count = Glibc.read(fd, free.baseAddress, free.count)
                error = errno
                return max(0, count)
            }
            if count > 0 {
                deliverFrames()
                reads += 1
                if count < space || reads >= Self.readsPerTurn { break }
            } else if count == 0 {
                return close()  // the client is gone (a truncated frame it left is dropped with it)
            } else if error == EINTR {
                continue
            } else if error == EAGAIN || error == EWOULDBLOCK {
                break
            } else {
                return close()
            }
        }
        if isOpen { handler?.readComplete() }
    }

    private func deliverFrames() {
        while isOpen, let handler {
            let frame: ByteBuffer?
            do {
                frame = try frames.nextFrame(from: &input)
            } catch {
                return handler.protocolError(error)  // the handler answers and closes
            }
            guard let frame else { return }
            handler.frameReceived(frame)
        }
    }

    // MARK: writing

    /// Holds `buffer` to be written at the next `flush`.
    func write(_ buffer: ByteBuffer) {
        guard isOpen, buffer.readableBytes > 0 else { return }
        if output.readableBytes == 0 {
            output = buffer
        } else {
            output.writeImmutableBuffer(buffer)
        }
        if isWritable && output.readableBytes > Self.highWaterMark { isWritable = false }
        unsent.store(output.readableBytes, ordering: .relaxed)
    }

    /// Writes what is held, as far as the socket takes it now; the rest goes when epoll says the socket can take more.
    func flush() {
        guard isOpen, !waitsForWritable, output.readableBytes > 0 else { return }
        writeOut()
    }

    private func writeOut() {
        while output.readableBytes > 0 {
            var error: Int32 = 0
            let written = output.withUnsafeReadableBytes { bytes in
                // MSG_NOSIGNAL: a client gone mid-write is EPIPE here, not a SIGPIPE that would end the server.
                let count = send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
                error = errno
                return count
            }
            if written >= 0 {
                output.moveReaderIndex(forwardBy: written)
            } else if error == EINTR {
                continue
            } else if error == EAGAIN || error == EWOULDBLOCK {
                if !waitsForWritable {
                    waitsForWritable = true
                    loop.modify(token, fd: fd, events: EPOLLIN.rawValue | EPOLLOUT.rawValue)
                }
                if output.readerIndex > Self.highWaterMark { output.discardReadBytes() }
                return updateWritability()
            } else {
                return close()  // EPIPE, ECONNRESET: the client is gone
            }
        }
        output.clear()
        if waitsForWritable {
            waitsForWritable = false
            loop.modify(token, fd: fd, events: EPOLLIN.rawValue)
        }
        updateWritability()
    }

    private func updateWritability() {
        let held = output.readableBytes
        unsent.store(held, ordering: .relaxed)
        if isWritable && held > Self.highWaterMark {
            isWritable = false
        } else if !isWritable && held <= Self.lowWaterMark {
            isWritable = true
            handler?.writabilityChanged()
        }
    }

    // MARK: closing

    /// Closes the socket now (what is still unsent is dropped); the handler is told on the loop's next turn, outside
    /// whatever it was doing when it asked. Safe to call more than once.
    func close() {
        guard isOpen else { return }
        isOpen = false
        loop.deregister(token, fd: fd)
        Glibc.close(fd)
        input = ByteBuffer()
        output = ByteBuffer()
        let handler = self.handler
        self.handler = nil
        let bound = NIOLoopBound((handler, closePromise), eventLoop: loop)
        loop.execute {
            bound.value.0?.connectionClosed()
            bound.value.1.succeed()
        }
    }
}
