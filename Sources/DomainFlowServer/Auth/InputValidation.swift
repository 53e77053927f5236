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

    static func role(_ value: Role, default fallback: Role) -> Role {
        value == .unspecified ? fallback : value
    }
}

import Foundation
