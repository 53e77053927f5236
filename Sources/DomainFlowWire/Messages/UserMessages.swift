/// A user's role (`Role` in users.proto).
public enum Role: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case unspecified = 0
    case admin = 1
    case user = 2
    case viewer = 3

    /// The name stored in `users.role`.
    public var description: String {
        switch self {
        case .unspecified: "unspecified"
        case .admin: "admin"
        case .user: "user"
        case .viewer: "viewer"
        }
    }

    public init?(name: String) {
        guard let role = Role.allCases.first(where: { $0.description == name && $0 != .unspecified }) else { return nil }
        self = role
    }

    /// Decodes an enum field; an unknown number is INVALID_ARGUMENT naming the field.
    static func decode(_ raw: Int32, field: String) throws -> Role {
        guard let role = Role(rawValue: raw) else { throw RPCError.invalidArgument("\(field): unknown role \(raw)") }
        return role
    }
}

/// `User`.
public struct UserInfo: WireMessage, Equatable {
    public var id: String
    public var username: String
    public var email: String
    public var role: Role
    public var isActive: Bool
    public var createdAtMicros: Int64
    public var lastLoginMicros: Int64
    public var mustChangePassword: Bool

    public init(id: String, username: String, email: String, role: Role, isActive: Bool, createdAtMicros: Int64,
                lastLoginMicros: Int64, mustChangePassword: Bool) {
        self.id = id
        self.username = username
        self.email = email
        self.role = role
        self.isActive = isActive
        self.createdAtMicros = createdAtMicros
        self.lastLoginMicros = lastLoginMicros
        self.mustChangePassword = mustChangePassword
    }
    public init(fields f: ProtoFields) throws {
        self.init(id: f.string(1), username: f.string(2), email: f.string(3), role: try Role.decode(f.int32(4), field: "role"),
                  isActive: f.bool(5), createdAtMicros: f.int64(6), lastLoginMicros: f.int64(7), mustChangePassword: f.bool(8))
    }
    public var fields: ProtoFields {
        [1: .string(id), 2: .string(username), 3: .string(email), 4: .int(Int64(role.rawValue)), 5: .bool(isActive),
         6: .int(createdAtMicros), 7: .int(lastLoginMicros), 8: .bool(mustChangePassword)]
    }
}

public struct LoginRequest: WireMessage, Equatable {
    public var login: String
    public var password: String
    public init(login: String, password: String) { self.login = login; self.password = password }
    public init(fields f: ProtoFields) { self.init(login: f.string(1), password: f.string(2)) }
    public var fields: ProtoFields { [1: .string(login), 2: .string(password)] }
}

public struct LoginResponse: WireMessage, Equatable {
    public var token: String
    public var expiresAtMicros: Int64
    public var user: UserInfo?
    public init(token: String, expiresAtMicros: Int64, user: UserInfo?) {
        self.token = token; self.expiresAtMicros = expiresAtMicros; self.user = user
    }
    public init(fields f: ProtoFields) throws {
        self.init(token: f.string(1), expiresAtMicros: f.int64(2), user: try f.decode(3))
    }
    public var fields: ProtoFields { [1: .string(token), 2: .int(expiresAtMicros), 3: .of(user)] }
}

public struct WhoAmIResponse: WireMessage, Equatable {
    public var user: UserInfo?
    public var sessionExpiresAtMicros: Int64
    public var viaPeerCredentials: Bool
    public init(user: UserInfo?, sessionExpiresAtMicros: Int64, viaPeerCredentials: Bool) {
        self.user = user; self.sessionExpiresAtMicros = sessionExpiresAtMicros; self.viaPeerCredentials = viaPeerCredentials
    }
    public init(fields f: ProtoFields) throws {
        self.init(user: try f.decode(1), sessionExpiresAtMicros: f.int64(2), viaPeerCredentials: f.bool(3))
    }
    public var fields: ProtoFields { [1: .of(user), 2: .int(sessionExpiresAtMicros), 3: .bool(viaPeerCredentials)] }
}

public struct ChangePasswordRequest: WireMessage, Equatable {
    public var currentPassword: String
    public var newPassword: String
    public init(currentPassword: String, newPassword: String) {
        self.currentPassword = currentPassword; self.newPassword = newPassword
    }
    public init(fields f: ProtoFields) { self.init(currentPassword: f.string(1), newPassword: f.string(2)) }
    public var fields: ProtoFields { [1: .string(currentPassword), 2: .string(newPassword)] }
}

public struct CreateUserRequest: WireMessage, Equatable {
    public var username: String
    public var email: String
    public var password: String
    public var role: Role
    public init(username: String, email: String, password: String, role: Role = .user) {
        self.username = username; self.email = email; self.password = password; self.role = role
    }
    public init(fields f: ProtoFields) throws {
        self.init(username: f.string(1), email: f.string(2), password: f.string(3), role: try Role.decode(f.int32(4), field: "role"))
    }
    public var fields: ProtoFields {
        [1: .string(username), 2: .string(email), 3: .string(password), 4: .int(Int64(role.rawValue))]
    }
}

/// A page request: size (0 = default) and the token of the previous page.
public struct PageRequest: WireMessage, Equatable {
    public var pageSize: UInt32
    public var pageToken: String
    public init(pageSize: UInt32 = 0, pageToken: String = "") { self.pageSize = pageSize; self.pageToken = pageToken }
    public init(fields f: ProtoFields) { self.init(pageSize: f.uint32(1), pageToken: f.string(2)) }
    public var fields: ProtoFields { [1: .uint(UInt64(pageSize)), 2: .string(pageToken)] }
}

public struct ListUsersResponse: WireMessage, Equatable {
    public var users: [UserInfo]
    public var nextPageToken: String
    public init(users: [UserInfo], nextPageToken: String) { self.users = users; self.nextPageToken = nextPageToken }
    public init(fields f: ProtoFields) throws {
        users = try f.list(1).compactMap { value in
            if case .message(let m) = value { return try UserInfo(fields: m) } else { return nil }
        }
        nextPageToken = f.string(2)
    }
    public var fields: ProtoFields { [1: .list(users.map { .message($0.fields) }), 2: .string(nextPageToken)] }
}

/// A request naming one resource by id (`GetUserRequest`, `DeleteUserRequest`).
public struct IDRequest: WireMessage, Equatable {
    public var id: String
    public init(id: String) { self.id = id }
    public init(fields f: ProtoFields) { id = f.string(1) }
    public var fields: ProtoFields { [1: .string(id)] }
}

/// `ActiveChange`.
public enum ActiveChange: Int32, Sendable {
    case unchanged = 0
    case activate = 1
    case deactivate = 2
}

public struct UpdateUserRequest: WireMessage, Equatable {
    public var id: String
    public var role: Role
    public var email: String
    public var active: ActiveChange
    public init(id: String, role: Role = .unspecified, email: String = "", active: ActiveChange = .unchanged) {
        self.id = id; self.role = role; self.email = email; self.active = active
    }
    public init(fields f: ProtoFields) throws {
        guard let active = ActiveChange(rawValue: f.int32(4)) else {
            throw RPCError.invalidArgument("active: unknown value \(f.int32(4))")
        }
        self.init(id: f.string(1), role: try Role.decode(f.int32(2), field: "role"), email: f.string(3), active: active)
    }
    public var fields: ProtoFields {
        [1: .string(id), 2: .int(Int64(role.rawValue)), 3: .string(email), 4: .int(Int64(active.rawValue))]
    }
}

public struct ResetPasswordRequest: WireMessage, Equatable {
    public var id: String
    public var newPassword: String
    public init(id: String, newPassword: String) { self.id = id; self.newPassword = newPassword }
    public init(fields f: ProtoFields) { self.init(id: f.string(1), newPassword: f.string(2)) }
    public var fields: ProtoFields { [1: .string(id), 2: .string(newPassword)] }
}
