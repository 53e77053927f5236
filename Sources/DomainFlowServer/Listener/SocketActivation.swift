import Foundation
import Glibc

/// systemd socket activation (`sd_listen_fds`): a listening socket passed as descriptor 3 with
/// `LISTEN_FDS` and `LISTEN_PID` (this process) in the environment.
public enum SocketActivation {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The passed listening Unix stream socket and its path, or nil when none was passed. The variables are
    /// removed from the environment (children must not take them for theirs).
    public static func listener() throws(Failure) -> (descriptor: Int32, path: String)? {
        let environment = ProcessInfo.processInfo.environment
        defer { for name in ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"] { unsetenv(name) } }
        guard let pid = environment["LISTEN_PID"].flatMap(Int32.init), pid == getpid(),
              let count = environment["LISTEN_FDS"].flatMap(Int32.init), count > 0 else { return nil }
        guard count == 1 else { throw Failure(description: "systemd passed \(count) sockets; DomainFlow listens on one (ListenStream= once)") }
        let descriptor: Int32 = 3  // SD_LISTEN_FDS_START
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        var type: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        var address = sockaddr_un()
        var addressLength = socklen_t(MemoryLayout<sockaddr_un>.size)
        let isSocket = getsockopt(descriptor, SOL_SOCKET, SO_TYPE, &type, &length) == 0
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &addressLength) == 0 }
        }
        guard isSocket, named, type == Int32(SOCK_STREAM.rawValue), address.sun_family == sa_family_t(AF_UNIX) else {
            throw Failure(description: "the passed descriptor 3 is not a Unix stream socket")
        }
        var listening: Int32 = 0
        length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) == 0, listening == 1 else {
            throw Failure(description: "the passed socket is not listening (use Accept=no)")
        }
        let path = withUnsafeBytes(of: address.sun_path) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return (descriptor, path)
    }
}
