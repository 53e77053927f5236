import Foundation
import Glibc

/// Making the socket's place ready: its private directory, and the rule for a file already at the path.
public enum SocketLocation {
    public enum PreparationError: Error, CustomStringConvertible {
        case serverAlreadyListening(String)
        case notASocket(String)
        case pathTooLong(String)
        case cannotCreateDirectory(String, Int32)

        public var description: String {
            switch self {
            case .serverAlreadyListening(let p): "another server is already listening on \(p)"
            case .notASocket(let p): "\(p) exists and is not a socket; refusing to replace it"
            case .pathTooLong(let p): "socket path \(p) is longer than the 107 bytes a Unix socket allows"
            case .cannotCreateDirectory(let p, let e): "cannot create socket directory \(p): \(String(cString: strerror(e)))"
            }
        }
    }

    /// Makes `path` bindable: creates its directory (mode 0700) if missing, refuses if a
    /// server answers on it, removes a stale socket file nobody listens on.
    public static func prepare(_ path: String) throws {
        guard path.utf8.count <= 107 else { throw PreparationError.pathTooLong(path) }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            guard mkdir(directory, 0o700) == 0 || errno == EEXIST else {
                throw PreparationError.cannotCreateDirectory(directory, errno)
            }
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { return }  // nothing there
        guard (info.st_mode & S_IFMT) == S_IFSOCK else { throw PreparationError.notASocket(path) }
        if isListening(path) { throw PreparationError.serverAlreadyListening(path) }
        unlink(path)
    }

    /// Whether something accepts connections on the socket at `path`.
    public static func isListening(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard let address = sockaddr_un(path: path) else { return false }
        let result = address.withSocketAddress { connect(fd, $0, $1) }
        return result == 0
    }
}

extension sockaddr_un {
    /// The address of the Unix socket at `path`; nil when the path does not fit (108 bytes with its terminator).
    init?(path: String) {
        self.init()
        sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: sun_path) else { return nil }
        withUnsafeMutableBytes(of: &sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
    }

    /// Calls `body` with the address as the `sockaddr` that bind and connect take, and its length.
    func withSocketAddress<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        withUnsafePointer(to: self) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }
}
