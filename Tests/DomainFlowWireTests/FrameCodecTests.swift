import NIOCore
import Testing
@testable import DomainFlowWire

@Suite struct FrameCodecTests {
    private func roundTrip(_ frame: ClientFrame) throws -> ClientFrame {
        var buffer = ByteBuffer()
        try FrameCodec.encode(frame, into: &buffer)
        let payload = try #require(try FrameReader().nextFrame(from: &buffer))
        #expect(buffer.readableBytes == 0)
        return try FrameCodec.decodeClientFrame(payload)
    }

    private func roundTrip(_ frame: ServerFrame) throws -> ServerFrame {
        var buffer = ByteBuffer()
        try FrameCodec.encode(frame, into: &buffer)
        let payload = try #require(try FrameReader().nextFrame(from: &buffer))
        return try FrameCodec.decodeServerFrame(payload)
    }

    @Test func helloRoundTrips() throws {
        let hello = ClientFrame.hello(Hello(protocolVersion: 1, clientName: "tést-client ✓", maxFrameBytes: 1000))
        #expect(try roundTrip(hello) == hello)
    }

    @Test func requestWithMethodRoundTrips() throws {
        let ping = PingRequest(payload: [0, 1, 2, 255])
        let request = Request(callID: 42, timeoutMillis: 1500, authToken: "tok",
                              method: Methods.ping.number, message: ping.fields)
        guard case .request(let decoded) = try roundTrip(.request(request)) else {
            Issue.record("not a request"); return
        }
        #expect(decoded.callID == 42)
        #expect(decoded.timeoutMillis == 1500)
        #expect(decoded.authToken == "tok")
        #expect(decoded.method == 16)
        #expect(try PingRequest(fields: decoded.message) == ping)
    }

    @Test func emptyRequestMessageStillNamesItsMethod() throws {
        let request = Request(callID: 1, method: Methods.serverInfo.number, message: ProtoFields())
        guard case .request(let decoded) = try roundTrip(.request(request)) else { Issue.record("not a request"); return }
        #expect(decoded.method == Methods.serverInfo.number)
    }

    @Test func cancelRoundTrips() throws {
        #expect(try roundTrip(.cancel(callID: 9_000_000_000)) == .cancel(callID: 9_000_000_000))
    }

    @Test func nestedOptionalMessagesRoundTrip() throws {
        let info = ServerInfoResponse(serverVersion: "1.2.3", protocolVersion: 1,
                              limits: Limits(maxFrameBytes: 4096, maxConcurrentCalls: 64), uptimeMillis: 123,
                              openConnections: 3, callsServed: 1 << 40, callsInFlight: 2, outboundBufferedBytes: 77,
                              store: StoreHealth(poolSize: 4, inUse: 1, waiters: 0, databaseVersion: "15", schemaVersion: 2))
        let frame = ServerFrame.response(Response(callID: 5, method: Methods.serverInfo.number, message: info.fields))
        guard case .response(let response) = try roundTrip(frame) else { Issue.record("not a response"); return }
        #expect(try ServerInfoResponse(fields: response.message) == info)
        var withoutStore = info
        withoutStore.store = nil
        let frame2 = ServerFrame.response(Response(callID: 5, method: 17, message: withoutStore.fields))
        guard case .response(let response2) = try roundTrip(frame2) else { Issue.record("not a response"); return }
        #expect(try ServerInfoResponse(fields: response2.message).store == nil)
    }

    @Test func statusRoundTripsWithCode() throws {
        let status = ServerFrame.status(Status(callID: 3, code: .resourceExhausted, message: "too big"))
        #expect(try roundTrip(status) == status)
    }

    @Test func unknownMethodNumberIsReportedNotDropped() throws {
        // A request whose method field (number 99) this schema does not know, written by hand:
        // field 1 (call_id) = 7, field 99 (length-delimited) = empty.
        let request: [UInt8] = [0x08, 0x07, 0x9A, 0x06, 0x00]
        var frame: [UInt8] = [0x12, UInt8(request.count)]
        frame += request
        let decoded = try FrameCodec.decodeClientFrame(ByteBuffer(bytes: frame))
        guard case .request(let r) = decoded else { Issue.record("not a request"); return }
        #expect(r.callID == 7)
        #expect(r.method == 99)
    }

    @Test func garbageIsMalformed() {
        #expect(throws: WireError.self) {
            try FrameCodec.decodeClientFrame(ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]))
        }
    }

    @Test func emptyFrameIsUnknownKind() throws {
        #expect(try FrameCodec.decodeClientFrame(ByteBuffer()) == .unknown)
    }

    @Test func standaloneMessageEncodingMatchesProtobufWireFormat() throws {
        // PingRequest{payload: "hi"} is field 1, wire type 2: 0x0A 0x02 'h' 'i'.
        let schema = try #require(ProtoSchema.clientFrame.subSchema(2)?.subSchema(16))
        #expect(schema.fullName == "domainflow.v1.PingRequest")
        #expect(try FrameCodec.encodeMessage(PingRequest(payload: Array("hi".utf8)).fields, as: schema)
                == [0x0A, 0x02, 0x68, 0x69])
    }
}
