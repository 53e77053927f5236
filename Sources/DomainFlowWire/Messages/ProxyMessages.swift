/// `ProxyProtocol`.
public enum ProxyProtocol: Int32, Sendable, CaseIterable {
    case unspecified = 0, http = 1, https = 2, socks5 = 3, socks4 = 4
    /// The name stored in `proxies.protocol`.
    public var name: String { self == .unspecified ? "" : "\(self)" }
    public init?(name: String) { self.init(rawValue: Self.allCases.first { $0.name == name && $0 != .unspecified }?.rawValue ?? -1) }
}

/// `Proxy`.
public struct ProxyInfo: WireMessage, Equatable {
    public var id = "", name = "", description = "", address = ""
    public var proxyProtocol = ProxyProtocol.unspecified
    public var username = ""
    public var hasPassword = false
    public var host = ""
    public var port: UInt32 = 0
    public var enabled = false, healthy = false
    public var lastStatus = ""
    public var lastCheckedAtMicros: Int64 = 0
    public var latencyMs: UInt32 = 0
    public var city = "", countryCode = "", provider = "", ownerID = ""

    public init() {}
    public init(fields f: ProtoFields) throws {
        id = f.string(1); name = f.string(2); description = f.string(3); address = f.string(4)
        proxyProtocol = try decodeEnum(f.int32(5), "protocol"); username = f.string(6); hasPassword = f.bool(7)
        host = f.string(8); port = f.uint32(9); enabled = f.bool(10); healthy = f.bool(11); lastStatus = f.string(12)
        lastCheckedAtMicros = f.int64(13); latencyMs = f.uint32(14); city = f.string(15); countryCode = f.string(16)
        provider = f.string(17); ownerID = f.string(18)
    }
    public var fields: ProtoFields {
        [1: .string(id), 2: .string(name), 3: .string(description), 4: .string(address), 5: .int(Int64(proxyProtocol.rawValue)),
         6: .string(username), 7: .bool(hasPassword), 8: .string(host), 9: .uint(UInt64(port)), 10: .bool(enabled),
         11: .bool(healthy), 12: .string(lastStatus), 13: .int(lastCheckedAtMicros), 14: .uint(UInt64(latencyMs)),
         15: .string(city), 16: .string(countryCode), 17: .string(provider), 18: .string(ownerID)]
    }
}

/// `ProxyRequest`: a create (no id), a full update (with an id), or a partial one (with an `updateMask`).
public struct ProxyRequest: WireMessage, Equatable {
    public var id = "", name: String, description = ""
    public var proxyProtocol: ProxyProtocol
    public var host: String
    public var port: UInt32
    public var username = "", password = ""
    public var setPassword = false
    public var disabled = false
    public var city = "", countryCode = "", provider = ""
    /// Paths of the fields an update changes ("port", "disabled", "password"); empty: all.
    public var updateMask: [String] = []

    /// The paths `updateMask` may name: every field of the request but its id, `set_password` and the mask
    /// (read from the descriptors; "password" changes it even when `set_password` is false).
    public static let mask = FieldMask(schema: ProtoSchema.request(of: Methods.updateProxy)!, excluding: ["id", "set_password", "update_mask"])

    public init(id: String = "", name: String, proxyProtocol: ProxyProtocol, host: String, port: UInt32,
                username: String = "", password: String = "") {
        self.id = id; self.name = name; self.proxyProtocol = proxyProtocol; self.host = host; self.port = port
        self.username = username; self.password = password; setPassword = !password.isEmpty
    }
    public init(fields f: ProtoFields) throws {
        self.init(id: f.string(1), name: f.string(2), proxyProtocol: try decodeEnum(f.int32(4), "protocol"), host: f.string(5),
                  port: f.uint32(6), username: f.string(7), password: f.string(8))
        description = f.string(3); setPassword = f.bool(9); disabled = f.bool(10)
        city = f.string(11); countryCode = f.string(12); provider = f.string(13)
        updateMask = f.list(14).compactMap { if case .string(let s) = $0 { s } else { nil } }
    }
    public var fields: ProtoFields {
        [1: .string(id), 2: .string(name), 3: .string(description), 4: .int(Int64(proxyProtocol.rawValue)), 5: .string(host),
         6: .uint(UInt64(port)), 7: .string(username), 8: .string(password), 9: .bool(setPassword), 10: .bool(disabled),
         11: .string(city), 12: .string(countryCode), 13: .string(provider), 14: updateMask.isEmpty ? nil : .list(updateMask.map { .string($0) })]
    }
}

public struct ListProxiesRequest: WireMessage, Equatable {
    public var nameContains = ""
    public var enabledOnly = false
    public var pageSize: UInt32 = 0
    public var pageToken = ""
    public init() {}
    public init(fields f: ProtoFields) { nameContains = f.string(1); enabledOnly = f.bool(2); pageSize = f.uint32(3); pageToken = f.string(4) }
    public var fields: ProtoFields { [1: .string(nameContains), 2: .bool(enabledOnly), 3: .uint(UInt64(pageSize)), 4: .string(pageToken)] }
}

public struct ListProxiesResponse: WireMessage, Equatable {
    public var proxies: [ProxyInfo]
    public var nextPageToken: String
    public init(proxies: [ProxyInfo], nextPageToken: String) { self.proxies = proxies; self.nextPageToken = nextPageToken }
    public init(fields f: ProtoFields) throws {
        proxies = try f.list(1).compactMap { if case .message(let m) = $0 { try ProxyInfo(fields: m) } else { nil } }
        nextPageToken = f.string(2)
    }
    public var fields: ProtoFields { [1: .list(proxies.map { .message($0.fields) }), 2: .string(nextPageToken)] }
}

/// `TestProxyRequest`: check proxy `id` by fetching `url` (empty: the server's check URL).
public struct TestProxyRequest: WireMessage, Equatable {
    public var id: String
    public var url: String
    public init(id: String, url: String = "") { self.id = id; self.url = url }
    public init(fields f: ProtoFields) { self.init(id: f.string(1), url: f.string(2)) }
    public var fields: ProtoFields { [1: .string(id), 2: .string(url)] }
}

/// `CheckAllProxiesRequest`: check every enabled proxy the caller can see.
public struct CheckAllProxiesRequest: WireMessage, Equatable {
    public var url: String
    public var concurrency: UInt32
    public init(url: String = "", concurrency: UInt32 = 0) { self.url = url; self.concurrency = concurrency }
    public init(fields f: ProtoFields) { self.init(url: f.string(1), concurrency: f.uint32(2)) }
    public var fields: ProtoFields { [1: .string(url), 2: .uint(UInt64(concurrency))] }
}

/// `ProxyCheckResult`: one proxy's check, as recorded on the proxy.
public struct ProxyCheckResult: WireMessage, Equatable {
    public var proxyID = ""
    public var name = ""
    public var healthy = false
    public var statusCode: UInt32 = 0
    public var status = ""
    public var latencyMs: UInt32 = 0
    public var errorKind = ""
    public var checkedAtMicros: Int64 = 0
    public var url = ""

    public init() {}
    public init(fields f: ProtoFields) {
        proxyID = f.string(1); name = f.string(2); healthy = f.bool(3); statusCode = f.uint32(4); status = f.string(5)
        latencyMs = f.uint32(6); errorKind = f.string(7); checkedAtMicros = f.int64(8); url = f.string(9)
    }
    public var fields: ProtoFields {
        [1: .string(proxyID), 2: .string(name), 3: .bool(healthy), 4: .uint(UInt64(statusCode)), 5: .string(status),
         6: .uint(UInt64(latencyMs)), 7: .string(errorKind), 8: .int(checkedAtMicros), 9: .string(url)]
    }
}
