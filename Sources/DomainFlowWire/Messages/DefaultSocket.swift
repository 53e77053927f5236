import Glibc

/// Where server and clients look for the socket when none is given:
/// `$DOMAINFLOW_SOCKET`, else `$XDG_RUNTIME_DIR/domainflow/domainflow.sock`,
/// else `/tmp/domainflow-<uid>/domainflow.sock`.
public enum DefaultSocket {
    public static func path() -> String {
        if let explicit = environment("DOMAINFLOW_SOCKET") { return explicit }
        if let runtime = environment("XDG_RUNTIME_DIR") { return "\(runtime)/domainflow/domainflow.sock" }
        return "/tmp/domainflow-\(getuid())/domainflow.sock"
    }

    private static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let string = String(cString: value)
        return string.isEmpty ? nil : string
    }
}
