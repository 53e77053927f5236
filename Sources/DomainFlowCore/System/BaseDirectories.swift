import Foundation

/// Where per-user files go, by the XDG base directory convention: `$XDG_CONFIG_HOME` and
/// `$XDG_DATA_HOME` when set (and not empty), else `$HOME/.config` and `$HOME/.local/share`; the
/// password database's home only when `$HOME` is unset.
public enum BaseDirectories {
    public static func config(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        nonEmpty(environment["XDG_CONFIG_HOME"]) ?? home(environment) + "/.config"
    }

    public static func data(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        nonEmpty(environment["XDG_DATA_HOME"]) ?? home(environment) + "/.local/share"
    }

    public static func home(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        nonEmpty(environment["HOME"]) ?? NSHomeDirectory()
    }

    private static func nonEmpty(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }
}
