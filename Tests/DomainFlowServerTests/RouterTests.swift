@testable import DomainFlowServer
import DomainFlowWire
import Logging
import NIOCore
import Testing

/// The router without a socket: handlers called as the connection handler calls them, errors mapped to the
/// status codes a client would see.
@Suite struct RouterTests {
    private func context(_ method: String) -> CallContext {
        CallContext(callID: 1, methodName: method, deadline: nil, peer: nil, clientName: "router-test", authToken: "",
                    connectionLogger: Logger(label: "router-test"))
    }

    @Test func theServerServiceAnswersWithoutASocket() async throws {
        var router = Router()
        let vitals = ServerVitals(configuration: ServerConfiguration(socketPath: "/nonexistent/router-test.sock"))
        ServerService.register(into: &router, vitals: vitals)
        vitals.counters.callsServed.add(41, ordering: .relaxed)

        let ping = try #require(router.entry(for: Methods.ping.number))
        guard case .inline(let answer) = ping.handler else { Issue.record("Ping is answered inline, on the event loop"); return }
        let pong = try answer(.typed(PingRequest(payload: [7, 8, 9])), context(ping.name)).decode(as: PingResponse.self)
        #expect(pong.payload == [7, 8, 9] && pong.serverTimeMicros > 0)
        #expect(ping.access == .anonymous)

        let info = try #require(router.entry(for: Methods.serverInfo.number))
        guard case .unary(let body) = info.handler else { Issue.record("ServerInfoResponse is a unary task"); return }
        let reply = try await body(.fields(ProtoFields()), context(info.name)).decode(as: ServerInfoResponse.self)
        #expect(reply.callsServed == 41 && reply.serverVersion == serverVersion && reply.store == nil)
        #expect(reply.limits?.maxFrameBytes == UInt32(vitals.configuration.maxFrameBytes))
    }

    @Test func everyEntryCarriesTheAccessItsMethodDeclares() {
        var router = Router()
        ServerService.register(into: &router, vitals: ServerVitals(configuration: ServerConfiguration(socketPath: "/nonexistent/x.sock")))
        #expect(!router.entries.isEmpty)
        for (number, entry) in router.entries {
            #expect(entry.access == MethodAccess.of(number), "\(entry.name)")
        }
        #expect(router.entry(for: 9_999) == nil, "an unknown method has no entry (the connection answers UNIMPLEMENTED)")
    }

    @Test func handlerErrorsBecomeTheirStatusCodes() {
        let logger = Logger(label: "router-test")
        let cases: [(any Error, StatusCode)] = [
            (RPCError(.notFound, "no campaign"), .notFound),
            (RPCError.invalidArgument("name: required"), .invalidArgument),
            (CancellationError(), .cancelled),
        ]
        for (error, code) in cases {
            let status = ConnectionHandler.statusFor(error, callID: 3, logger: logger)
            #expect(status.code == code && status.callID == 3, "\(error)")
        }
    }
}
