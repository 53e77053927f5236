import Glibc

/// The identity of the process at the other end of a Unix socket, from SO_PEERCRED.
public struct PeerCredentials: Sendable, Equatable, CustomStringConvertible {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    public var description: String { "pid=\(pid) uid=\(uid) gid=\(gid)" }

    /// The credentials of the process at the other end of the Unix socket `fd`, nil when unreadable.
    static func read(fd: Int32) -> PeerCredentials? {
        var raw = RawPeerCredentials()
        var size = socklen_t(MemoryLayout<RawPeerCredentials>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &raw, &size) == 0 else { return nil }
        return PeerCredentials(pid: raw.pid, uid: raw.uid, gid: raw.gid)
    }
}

/// The layout of Linux's `struct ucred` (which Swift's Glibc module does not export).
struct RawPeerCredentials: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}
