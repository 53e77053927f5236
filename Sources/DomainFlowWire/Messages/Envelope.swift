/// The protocol version this build speaks; a hello with another version is refused.
public let protocolVersion: UInt32 = 1

/// The default and maximum frame size, 4 MiB.
public let defaultMaxFrameBytes = 4 * 1024 * 1024

/// First frame of a connection, client to server.
public struct Hello: WireMessage, Equatable {
    public var protocolVersion: UInt32
    public var clientName: String
    public var maxFrameBytes: UInt32

    public init(protocolVersion: UInt32 = DomainFlowWire.protocolVersion, clientName: String, maxFrameBytes: UInt32 = 0) {
        self.protocolVersion = protocolVersion
        self.clientName = clientName
        self.maxFrameBytes = maxFrameBytes
    }
    public init(fields f: ProtoFields) {
        self.init(protocolVersion: f.uint32(1), clientName: f.string(2), maxFrameBytes: f.uint32(3))
    }
    public var fields: ProtoFields { [1: .uint(UInt64(protocolVersion)), 2: .string(clientName), 3: .uint(UInt64(maxFrameBytes))] }
}

/// The server's answer to `Hello`.
public struct HelloReply: WireMessage, Equatable {
    public var protocolVersion: UInt32
    public var serverVersion: String
    public var limits: Limits

    public init(protocolVersion: UInt32, serverVersion: String, limits: Limits) {
        self.protocolVersion = protocolVersion
        self.serverVersion = serverVersion
        self.limits = limits
    }
    public init(fields f: ProtoFields) throws {
        self.init(protocolVersion: f.uint32(1), serverVersion: f.string(2),
                  limits: try f.decode(3, "limits") ?? Limits())
    }
    public var fields: ProtoFields { [1: .uint(UInt64(protocolVersion)), 2: .string(serverVersion), 3: .of(limits)] }
}

/// The message a request or response carries.
public enum MessageBody: Sendable {
    /// A generated message: encoded and decoded field by field with protobuf-c, no `ProtoFields` between.
    case typed(any WireMessage)
    /// Fields: decoded generically (a message the generated model would not take, for its error), or built by
    /// hand (tests, the fuzzer, message files).
    case fields(ProtoFields)

    /// The message's fields.
    public var fields: ProtoFields {
        switch self {
        case .typed(let message): message.fields
        case .fields(let fields): fields
        }
    }

    /// The message as `M`: itself when it is one, else decoded from its fields (throwing what `M` throws).
    public func decode<M: WireMessage>(as type: M.Type = M.self) throws -> M {
        if case .typed(let message) = self, let typed = message as? M { return typed }
        return try M(fields: fields)
    }
}

/// Opens a call: its id, deadline, credentials and the method with its request message.
public struct Request: Sendable, Equatable {
    public var callID: UInt64
    /// Relative deadline in milliseconds; 0 means none.
    public var timeoutMillis: UInt32
    public var authToken: String
    /// Field number of the method in `Request.method`; 0 when the frame named none.
    public var method: UInt32
    /// The method's request message.
    public var body: MessageBody
    /// The request message's fields.
    public var message: ProtoFields { body.fields }

    public init(callID: UInt64, timeoutMillis: UInt32 = 0, authToken: String = "", method: UInt32, body: MessageBody) {
        self.callID = callID
        self.timeoutMillis = timeoutMillis
        self.authToken = authToken
        self.method = method
        self.body = body
    }

    public init(callID: UInt64, timeoutMillis: UInt32 = 0, authToken: String = "", method: UInt32, message: ProtoFields) {
        self.init(callID: callID, timeoutMillis: timeoutMillis, authToken: authToken, method: method, body: .fields(message))
    }

    public static func == (lhs: Request, rhs: Request) -> Bool {
        lhs.callID == rhs.callID && lhs.timeoutMillis == rhs.timeoutMillis && lhs.authToken == rhs.authToken
            && lhs.method == rhs.method && lhs.message == rhs.message
    }

    var fields: ProtoFields {
        var f: ProtoFields = [1: .uint(callID), 2: .uint(UInt64(timeoutMillis)), 3: .string(authToken)]
        if method != 0 { f[method] = .message(message) }
        return f
    }
}

/// Field numbers below this in `Request`/`Response` are envelope fields, from it on methods.
let firstMethodNumber: UInt32 = 16

/// One response message of a call.
public struct Response: Sendable, Equatable {
    public var callID: UInt64
    public var method: UInt32
    public var body: MessageBody
    /// The response message's fields.
    public var message: ProtoFields { body.fields }

    public init(callID: UInt64, method: UInt32, body: MessageBody) {
        self.callID = callID
        self.method = method
        self.body = body
    }

    public init(callID: UInt64, method: UInt32, message: ProtoFields) {
        self.init(callID: callID, method: method, body: .fields(message))
    }

    public static func == (lhs: Response, rhs: Response) -> Bool {
        lhs.callID == rhs.callID && lhs.method == rhs.method && lhs.message == rhs.message
    }

    var fields: ProtoFields {
        var f: ProtoFields = [1: .uint(callID)]
        if method != 0 { f[method] = .message(message) }
        return f
    }
}

/// The terminal status of a call (call id 0: of the connection).
public struct Status: WireMessage, Equatable {
    public var callID: UInt64
    public var code: StatusCode
    public var message: String

    public init(callID: UInt64, code: StatusCode, message: String = "") {
        self.callID = callID
        self.code = code
        self.message = message
    }
    public init(callID: UInt64, error: RPCError) { self.init(callID: callID, code: error.code, message: error.message) }
    public init(fields f: ProtoFields) {
        self.init(callID: f.uint64(1), code: StatusCode(rawValue: f.int32(2)), message: f.string(3))
    }
    public var fields: ProtoFields { [1: .uint(callID), 2: .int(Int64(code.rawValue)), 3: .string(message)] }

    // Every call ends with one: the codec's fast path (fields 1-3 are indexes 0-2).
    public init(protobufC m: ProtobufCReader) {
        self.init(callID: m.uint64(0), code: StatusCode(rawValue: m.int32(1)), message: m.string(2))
    }
    public func write(protobufC m: ProtobufCWriter) {
        m.uint64(0, callID)
        m.int32(1, code.rawValue)
        m.string(2, message)
    }
}

/// A frame from client to server.
public enum ClientFrame: Sendable, Equatable {
    case hello(Hello)
    case request(Request)
    case cancel(callID: UInt64)
    /// A frame with none of the known kinds set (a newer client, or garbage that parsed).
    case unknown
}

/// A frame from server to client.
public enum ServerFrame: Sendable, Equatable {
    case helloReply(HelloReply)
    case response(Response)
    case status(Status)
    case unknown
}
