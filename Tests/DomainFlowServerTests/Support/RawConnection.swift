import DomainFlowWire
import Foundation
import Glibc
import NIOCore

/// A client speaking the protocol by hand over a blocking POSIX socket, to send what
/// the real client never would: bad frames, duplicate ids, nothing at all.
final class RawConnection {
    let fd: Int32
    private var inbound = ByteBuffer()

    /// Connects to `path`. With `nonBlocking`, the connect does not wait for the server's backlog:
    /// a full backlog fails at once (EAGAIN), as it does for a client in a burst.
    init(path: String, nonBlocking: Bool = false) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | (nonBlocking ? Int32(SOCK_NONBLOCK.rawValue) : 0), 0)
        guard fd >= 0 else { throw TestFailure("socket failed: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8)
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let error = errno
            close(fd)
            throw TestFailure("connect failed: errno \(error)")
        }
        if nonBlocking { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return }
            offset += n
        }
    }

    func send(_ frame: ClientFrame) throws {
        var buffer = ByteBuffer()
        try FrameCodec.encode(frame, into: &buffer)
        send(bytes: Array(buffer.readableBytesView))
    }

    func hello(version: UInt32 = protocolVersion) throws {
        try send(.hello(Hello(protocolVersion: version, clientName: "raw-test")))
    }

    /// Sends a hello and checks the reply.
    func handshake() async throws {
        try hello()
        guard case .helloReply = try await readFrame() else { throw TestFailure("expected a hello reply") }
    }

    func request<I, O>(_ method: Method<I, O>, _ message: I, callID: UInt64, timeoutMillis: UInt32 = 0) throws {
        try send(.request(Request(callID: callID, timeoutMillis: timeoutMillis, method: method.number, message: message.fields)))
    }

    /// Reads the next frame; nil at EOF. Throws after `timeout` of silence (every byte that arrives restarts it, so
    /// that a large frame on a loaded machine is not cut short). Polls without blocking, so that tests never hold a
    /// thread of the cooperative pool the server uses.
    func readFrame(timeout: Duration = .seconds(5)) async throws -> ServerFrame? {
        let reader = FrameReader()
        var deadline = ContinuousClock.now + timeout
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let payload = try reader.nextFrame(from: &inbound) { return try FrameCodec.decodeServerFrame(payload) }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n == 0 { return nil }
            if n > 0 {
                inbound.writeBytes(chunk[0..<n])
                deadline = ContinuousClock.now + timeout
                continue
            }
            if errno == EAGAIN || errno == EWOULDBLOCK, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(2))
                continue
            }
            if errno == ECONNRESET { return nil }
            throw TestFailure("read failed or timed out: errno \(errno)")
        }
    }

    /// Reads frames until the status of `callID`, returning it and the responses before it.
    func readCall(_ callID: UInt64) async throws -> (responses: [Response], status: Status) {
        var responses: [Response] = []
        while let frame = try await readFrame() {
            switch frame {
            case .response(let r) where r.callID == callID: responses.append(r)
            case .status(let s) where s.callID == callID: return (responses, s)
            default: continue
            }
        }
        throw TestFailure("connection closed before call \(callID) ended")
    }

    /// Bytes readable right now without waiting (kernel buffer), draining them.
    func drainAvailable() -> Int {
        var total = 0
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            guard n > 0 else { return total }
            total += n
        }
    }
}
