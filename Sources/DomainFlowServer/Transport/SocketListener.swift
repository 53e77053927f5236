import CLinuxEvents
import DomainFlowEventLoop
import DomainFlowWire
import Glibc
import Logging
import NIOCore

/// The server's listening Unix socket, on the first of its loops: accepts connections and hands each to the next
/// loop of the group. When the process is out of descriptors (EMFILE and its kind) it stops accepting for
/// `pauseAfterExhaustion` instead of spinning on a socket that stays readable.
final class SocketListener: LoopSocket, @unchecked Sendable {
    static let pauseAfterExhaustion = TimeAmount.milliseconds(100)
    private static let acceptsPerTurn = 64

    private let fd: Int32
    private let loop: EpollEventLoop
    private let group: EpollEventLoopGroup
    private let logger: Logger
    private let accepted: @Sendable (Int32, EpollEventLoop) -> Void
    // The loop's thread only:
    private var token: UInt64?
    private var closed = false

    /// Listens on `fd` (bound and listening); `accepted` gets each new connection's descriptor on the loop it is given to.
    init(fd: Int32, group: EpollEventLoopGroup, logger: Logger, accepted: @escaping @Sendable (Int32, EpollEventLoop) -> Void) {
        self.fd = fd
        self.loop = group.loops[0]
        self.group = group
        self.logger = logger
        self.accepted = accepted
    }

    /// Binds a new listening socket at `path` (which `SocketLocation.prepare` has cleared), gives the socket file
    /// `mode`, then listens with `backlog`: no client can connect before the mode is set.
    static func bind(path: String, mode: mode_t, backlog: Int32) throws -> Int32 {
        guard let address = sockaddr_un(path: path) else {
            throw RPCError(.invalidArgument, "socket path \(path) is longer than a Unix socket's address holds")
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw systemError("cannot create a socket for \(path)") }
        let bound = address.withSocketAddress { Glibc.bind(fd, $0, $1) }
        guard bound == 0 else {
            let error = systemError("cannot bind \(path)")
            Glibc.close(fd)
            throw error
        }
        guard chmod(path, mode) == 0 else {
            let error = systemError("cannot set mode of \(path)")
            Glibc.close(fd)
            unlink(path)
            throw error
        }
        guard listen(fd, backlog) == 0 else {
            let error = systemError("cannot listen on \(path)")
            Glibc.close(fd)
            unlink(path)
            throw error
        }
        return fd
    }

    /// Makes an inherited listening socket (systemd's) non-blocking, as the loop needs it.
    static func adopt(_ fd: Int32) throws -> Int32 {
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 else {
            throw systemError("cannot use inherited socket \(fd)")
        }
        return fd
    }

    private static func systemError(_ what: String) -> RPCError {
        RPCError(.internal, "\(what): \(String(cString: strerror(errno)))")
    }

    /// Starts accepting (on the listener's loop).
    func start() async throws {
        try await loop.submit {
            guard let token = self.loop.register(self, fd: self.fd, events: EPOLLIN.rawValue) else {
                throw Self.systemError("cannot watch the listening socket")
            }
            self.token = token
        }.get()
    }

    /// Stops accepting and closes the listening socket.
    func close() async {
        try? await loop.submit {
            guard !self.closed else { return }
            self.closed = true
            if let token = self.token { self.loop.deregister(token, fd: self.fd) }
            self.token = nil
            Glibc.close(self.fd)
        }.get()
    }

    func ready(_ events: UInt32) {
        for _ in 0..<Self.acceptsPerTurn {
            let connection = domainflow_accept_nonblocking(fd)
            if connection >= 0 {
                let target = group.next()
                let accepted = self.accepted
                target.runOnLoop { accepted(connection, target) }
                continue
            }
            switch errno {
            case EINTR, ECONNABORTED, EPROTO:
                continue
            case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                logger.error("cannot accept a connection, pausing", metadata: ["error": "\(String(cString: strerror(errno)))"])
                pause()
                return
            default:  // EAGAIN: none left
                return
            }
        }
    }

    private func pause() {
        guard let token else { return }
        loop.deregister(token, fd: fd)
        self.token = nil
        _ = loop.scheduleTask(in: Self.pauseAfterExhaustion) {
            guard !self.closed else { return }
            self.token = self.loop.register(self, fd: self.fd, events: EPOLLIN.rawValue)
        }
    }
}
