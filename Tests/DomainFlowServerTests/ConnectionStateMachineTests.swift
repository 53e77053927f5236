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
        #expect(machine.endCall(7, cancelWork: false)?.close == .keepOpen)
        #expect(machine.receivedRequest(callID: 7) == .open, "an ended call's id may be reused")
    }

    @Test func aCallAnsweredAtOnceIsCheckedButNeverOpens() {
        var machine = ConnectionStateMachine(maxConcurrentCalls: 1)
        _ = machine.receivedHello(version: protocolVersion)
        #expect(machine.receivedRequest(callID: 5, opens: false) == .open)
        #expect(!machine.isOpen(5))
        #expect(machine.receivedRequest(callID: 5, opens: false) == .open, "its id is free again at once")
        #expect(machine.receivedRequest(callID: 6) == .open)
        guard case .rejectOnConnection = machine.receivedRequest(callID: 6, opens: false) else {
            Issue.record("the id of an open call accepted"); return
        }
        guard case .rejectCall(let error) = machine.receivedRequest(callID: 7, opens: false) else {
            Issue.record("over the limit accepted"); return
        }
        #expect(error.code == .resourceExhausted)
        #expect(machine.openCallIDs == [6])
    }

    @Test func concurrencyLimitRefusesTheCallNotTheConnection() {
        var machine = ConnectionStateMachine(maxConcurrentCalls: 2)
        _ = machine.receivedHello(version: protocolVersion)
        #expect(machine.receivedRequest(callID: 1) == .open)
        #expect(machine.receivedRequest(callID: 2) == .open)
        guard case .rejectCall(let error) = machine.receivedRequest(callID: 3) else { Issue.record("over limit accepted"); return }
        #expect(error.code == .resourceExhausted)
        _ = machine.endCall(1, cancelWork: false)
        #expect(machine.receivedRequest(callID: 3) == .open)
    }

    @Test func drainingRefusesNewCallsAndClosesWhenEmpty() {
        var machine = ConnectionStateMachine(maxConcurrentCalls: 4)
        _ = machine.receivedHello(version: protocolVersion)
        #expect(machine.receivedRequest(callID: 1) == .open)
        #expect(machine.beginDraining() == .keepOpen)
        guard case .rejectCall(let error) = machine.receivedRequest(callID: 2) else { Issue.record("accepted while draining"); return }
        #expect(error.code == .unavailable)
        #expect(machine.endCall(1, cancelWork: false)?.close == .closeAfterFlush, "last call ended: close")
    }

    @Test func drainingIdleConnectionClosesAtOnce() {
        var machine = ConnectionStateMachine(maxConcurrentCalls: 4)
        _ = machine.receivedHello(version: protocolVersion)
        #expect(machine.beginDraining() == .closeAfterFlush)
    }

    @Test func aCallEndsOnceAndSaysWhetherItsWorkIsCancelled() {
        var machine = ConnectionStateMachine(maxConcurrentCalls: 4)
        _ = machine.receivedHello(version: protocolVersion)
        #expect(machine.receivedRequest(callID: 1) == .open)
        #expect(machine.receivedRequest(callID: 2) == .open)
        machine.update(1) { $0.debugStart = ("Ping", .now()) }
        let deadline = machine.endCall(1, cancelWork: true)
        #expect(deadline?.cancelTask == true && deadline?.call.debugStart?.method == "Ping")
        #expect(machine.endCall(1, cancelWork: false) == nil, "a late result for an ended call does nothing")
        #expect(!machine.isOpen(1) && machine.isOpen(2))
        machine.update(1) { $0.debugStart = ("late", .now()) }  // ignored: no record comes back
        #expect(machine.openCallIDs == [2])
        #expect(machine.endCall(2, cancelWork: false)?.cancelTask == false)
        #expect(machine.openCallIDs.isEmpty)
    }

    @Test func aParkedStreamWriteGoesOnWhenWritableAndFailsWhenItsCallEnds() async throws {
        var machine = ConnectionStateMachine(maxConcurrentCalls: 4)
        _ = machine.receivedHello(version: protocolVersion)
        #expect(machine.receivedRequest(callID: 1) == .open)
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            guard case .wait = machine.streamWrote(1, waiter: waiter, writable: false) else {
                Issue.record("a write to a full socket did not wait"); return
            }
            let woken = machine.becameWritable()
            #expect(woken.count == 1 && machine.becameWritable().isEmpty, "each waiter is handed back once")
            woken.forEach { $0.resume() }
        }
        let ended: (any Error)? = await {
            do {
                try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
                    _ = machine.streamWrote(1, waiter: waiter, writable: false)
                    let end = machine.endCall(1, cancelWork: true)
                    end?.call.writeWaiter?.resume(throwing: RPCError(.cancelled, "call ended"))
                }
                return nil
            } catch { return error }
        }()
        #expect((ended as? RPCError)?.code == .cancelled)
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            guard case .fail(let failed) = machine.streamWrote(1, waiter: waiter, writable: true) else {
                Issue.record("a write for an ended call was not failed"); waiter.resume(); return
            }
            failed.resume()
        }
    }
}
