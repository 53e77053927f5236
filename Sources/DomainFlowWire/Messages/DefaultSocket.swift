import Glibc

/// Where server and clients look for the socket when none is given:
/// `$DOMAINFLOW_SOCKET`, else `$XDG_RUNTIME_DIR/domainflow/domainflow.sock`,
/// else `/tmp/domainflow-<uid>/domainflow.sock`. Clients also find the system service's socket.
public enum DefaultSocket {
    /// The socket of the system service (`domainflow.socket`, installed by `Scripts/install`).
    public static let systemPath = "/run/domainflow/domainflow.sock"

    /// The server's default: the user's own socket.
    public static func path() -> String {
        if let explicit = environment("DOMAINFLOW_SOCKET") { return explicit }
        if let runtime = environment("XDG_RUNTIME_DIR") { return "\(runtime)/domainflow/domainflow.sock" }
        return "/tmp/domainflow-\(getuid())/domainflow.sock"
    }

    /// A client's default: the user's own server when its socket exists (or `$DOMAINFLOW_SOCKET` is set),
    /// else the system service's socket when that exists, else the user's path (to say what was tried).
    public static func clientPath() -> String {
        let own = path()
        if environment("DOMAINFLOW_SOCKET") != nil || access(own, F_OK) == 0 { return own }
        return access(systemPath, F_OK) == 0 ? systemPath : own
    }

    private static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let string = String(cString: value)
        return string.isEmpty ? nil : string
    }
}
