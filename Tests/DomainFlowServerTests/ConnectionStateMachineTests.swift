import DomainFlowWire
import Testing
@testable import DomainFlowServer

@Suite struct ConnectionStateMachineTests {
    @Test func requestBeforeHelloClosesConnection() {
        var machine = ConnectionStateMachine(maxConcurrentCalls: 4)
        guard case .rejectAndClose(let error) = machine.receivedRequest(callID: 1) else { Issue.record("not refused"); return }
        #expect(error.code == .failedPrecondition)
        #expect(machine.state == .closed)
    }

    @Test func helloWithWrongVersionCloses() {
        var machine = ConnectionStateMachine(maxConcurrentCalls: 4)
        #expect(machine.receivedHello(version: 2) != .reply)
        #expect(machine.state == .closed)
    }

    @Test func secondHelloCloses() {
        var machine = ConnectionStateMachine(maxConcurrentCalls: 4)
        #expect(machine.receivedHello(version: protocolVersion) == .reply)
        #expect(machine.receivedHello(version: protocolVersion) != .reply)
    }

    @Test func callIDsMustBeUniqueAmongOpenCallsOnly() {
        var machine = ConnectionStateMachine(maxConcurrentCalls: 4)
        _ = machine.receivedHello(version: protocolVersion)
        #expect(machine.receivedRequest(callID: 7) == .open)
        guard case .rejectOnConnection(let error) = machine.receivedRequest(callID: 7) else { Issue.record("dup accepted"); return }
        #expect(error.code == .invalidArgument)
        #expect(machine.isOpen(7), "original call still open")
        #expect(machine.callEnded(7) == .keepOpen)
        #expect(machine.receivedRequest(callID: 7) == .open, "an ended call's id may be reused")
    }

    @Test func concurrencyLimitRefusesTheCallNotTheConnection() {
        var machine = ConnectionStateMachine(maxConcurrentCalls: 2)
        _ = machine.receivedHello(version: protocolVersion)
        #expect(machine.receivedRequest(callID: 1) == .open)
        #expect(machine.receivedRequest(callID: 2) == .open)
        guard case .rejectCall(let error) = machine.receivedRequest(callID: 3) else { Issue.record("over limit accepted"); return }
        #expect(error.code == .resourceExhausted)
        _ = machine.callEnded(1)
        #expect(machine.receivedRequest(callID: 3) == .open)
    }

    @Test func drainingRefusesNewCallsAndClosesWhenEmpty() {
        var machine = ConnectionStateMachine(maxConcurrentCalls: 4)
        _ = machine.receivedHello(version: protocolVersion)
        #expect(machine.receivedRequest(callID: 1) == .open)
        #expect(machine.beginDraining() == .keepOpen)
        guard case .rejectCall(let error) = machine.receivedRequest(callID: 2) else { Issue.record("accepted while draining"); return }
        #expect(error.code == .unavailable)
        #expect(machine.callEnded(1) == .closeAfterFlush, "last call ended: close")
    }

    @Test func drainingIdleConnectionClosesAtOnce() {
        var machine = ConnectionStateMachine(maxConcurrentCalls: 4)
        _ = machine.receivedHello(version: protocolVersion)
        #expect(machine.beginDraining() == .closeAfterFlush)
    }
}
