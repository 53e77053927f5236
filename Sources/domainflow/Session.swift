import DomainFlowCore
import Foundation
import Glibc

/// The CLI's saved session token: `$XDG_CONFIG_HOME/domainflow/session`, else `$HOME/.config/...`,
/// mode 0600 in a 0700 directory. `$DOMAINFLOW_TOKEN` overrides it.
enum SessionFile {
    static var path: String { BaseDirectories.config() + "/domainflow/session" }

    static func load() -> String? {
        if let token = ProcessInfo.processInfo.environment["DOMAINFLOW_TOKEN"], !token.isEmpty { return token }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return token.isEmpty ? nil : token
    }

    static func save(_ token: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw CLIError("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let bytes = Array((token + "\n").utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw CLIError("cannot write \(path)") }
    }

    static func remove() { unlink(path) }
}

/// Reads a password: from stdin (one line) with `--password-stdin`, else from the terminal without echo.
enum PasswordInput {
    static func read(prompt: String, fromStdin: Bool) throws -> String {
        if fromStdin {
            guard let line = readLine(strippingNewline: true) else { throw CLIError("no password on stdin") }
            return line
        }
        guard isatty(STDIN_FILENO) == 1 else { throw CLIError("no terminal to ask for the password: use --password-stdin") }
        FileHandle.standardError.write(Data(prompt.utf8))
        var old = termios()
        tcgetattr(STDIN_FILENO, &old)
        var silent = old
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &old)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = readLine(strippingNewline: true) else { throw CLIError("no password entered") }
        return line
    }
}
