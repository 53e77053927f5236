import DomainFlowWire

/// The rules for user-supplied account fields; violations are INVALID_ARGUMENT naming the field.
enum InputValidation {
    static func username(_ value: String) throws {
        guard !value.isEmpty else { throw RPCError.invalidArgument("username: must not be empty") }
        guard value.utf8.count <= 64 else { throw RPCError.invalidArgument("username: at most 64 characters") }
        guard value.range(of: #"^[A-Za-z0-9][A-Za-z0-9._-]*$"#, options: .regularExpression) != nil else {
            throw RPCError.invalidArgument("username: letters, digits, '.', '_' and '-' only, starting with a letter or digit")
        }
    }

    static func email(_ value: String) throws {
        guard !value.isEmpty else { throw RPCError.invalidArgument("email: must not be empty") }
        guard value.utf8.count <= 254 else { throw RPCError.invalidArgument("email: at most 254 characters") }
        guard value.range(of: #"^[^@\s]+@[^@\s]+\.[^@\s]+$"#, options: .regularExpression) != nil else {
            throw RPCError.invalidArgument("email: not a valid email address")
        }
    }

    /// At least 12 characters, at most 72 bytes (bcrypt reads no further), not the username.
    static func password(_ value: String, username: String? = nil, field: String = "password") throws {
        guard value.count >= 12 else { throw RPCError.invalidArgument("\(field): at least 12 characters") }
        guard value.utf8.count <= 72 else { throw RPCError.invalidArgument("\(field): at most 72 bytes") }
        guard !value.contains("\0") else { throw RPCError.invalidArgument("\(field): must not contain NUL") }
        if let username, value.lowercased() == username.lowercased() {
            throw RPCError.invalidArgument("\(field): must not be the username")
        }
    }

    /// The name of a user-owned resource (campaign, persona, proxy, keyword set): trimmed, 1 to 255 characters.
    static func resourceName(_ value: String) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 255 else { throw RPCError.invalidArgument("name: 1 to 255 characters") }
        return trimmed
    }

    /// An absolute `http://` or `https://` URL with a host, at most 2048 bytes.
    static func httpURL(_ value: String, field: String = "url") throws -> URL {
        guard value.utf8.count <= 2048, !hasLineBreakOrNUL(value), !value.contains(" "),
              let url = URL(string: value), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else {
            throw RPCError.invalidArgument("\(field): '\(value.prefix(200))' is not an absolute http:// or https:// URL")
        }
        return url
    }

    /// Whether `value` holds CR, LF or NUL. Tested on Unicode scalars: "\r\n" is a single
    /// Character in Swift and would slip past a Character test.
    static func hasLineBreakOrNUL(_ value: String) -> Bool {
        value.unicodeScalars.contains { $0 == "\r" || $0 == "\n" || $0 == "\0" }
    }

    static func role(_ value: Role, default fallback: Role) -> Role {
        value == .unspecified ? fallback : value
    }
}

import Foundation
