import DomainFlowWire
import NIOCore

/// The per-connection protocol as a value: hello first, then calls with unique ids, then draining at
/// shutdown; and every open call's life (its task, deadline timer and waiting stream write) from open to its
/// one end. No I/O: every event returns what the handler must do, the handler does it.
struct ConnectionStateMachine {
    /// What an open call holds until it ends.
    struct OpenCall {
        var task: Task<Void, Never>?
        var deadlineTimer: Scheduled<Void>?
        /// A stream write waiting for the socket to become writable.
        var writeWaiter: CheckedContinuation<Void, any Error>?
        /// For the debug log line of each call (kept only at debug level): the method and when the call opened.
        var debugStart: (method: String, opened: NIODeadline)?
    }

    /// What the handler does when a call ends: cancel the timer (and the task, when the call ended before its
    /// work did), fail a waiting stream write, send the status, and close the connection when it was the last
    /// call of a draining one.
    struct EndAction {
        let call: OpenCall
        let cancelTask: Bool
        let close: CloseAction
    }

    enum StreamWriteAction {
        /// The call has ended: fail the write.
        case fail(CheckedContinuation<Void, any Error>)
        /// The socket takes more: let the writer go on.
        case resume(CheckedContinuation<Void, any Error>)
        /// Parked until the socket is writable again (`becameWritable`).
        case wait
    }

    enum State: Equatable {
        case awaitingHello
        case ready
        /// Shutting down: open calls may finish, new ones are refused.
        case draining
        case closed
    }

    enum HelloAction: Equatable {
        case reply
        case rejectAndClose(RPCError)
    }

    enum RequestAction: Equatable {
        case open
        /// Refuse this call with a status on its own id; the connection stays open.
        case rejectCall(RPCError)
        /// Report on call 0 (the id cannot be used for a reply); the connection stays open.
        case rejectOnConnection(RPCError)
        /// Report on call 0 and close the connection.
        case rejectAndClose(RPCError)
    }

    enum CloseAction: Equatable {
        case keepOpen
        /// The connection has drained (or never began): flush what is written and close.
        case closeAfterFlush
    }

    private(set) var state: State = .awaitingHello
    private var calls: [UInt64: OpenCall] = [:]
    /// The ids of the open calls.
    var openCallIDs: [UInt64] { Array(calls.keys) }
    let maxConcurrentCalls: Int

    init(maxConcurrentCalls: Int) {
        self.maxConcurrentCalls = maxConcurrentCalls
    }

    mutating func receivedHello(version: UInt32) -> HelloAction {
        guard state == .awaitingHello else {
            state = .closed
            return .rejectAndClose(RPCError(.failedPrecondition, "hello was already received on this connection"))
        }
        guard version == protocolVersion else {
            state = .closed
            return .rejectAndClose(RPCError(.failedPrecondition,
                "unsupported protocol version \(version); this server speaks version \(protocolVersion)"))
        }
        state = .ready
        return .reply
    }

    /// A request: `.open` when it may run. `opens`: false for a call answered within this event (it is checked
    /// as any call is, but holds nothing and is not recorded as open).
    mutating func receivedRequest(callID: UInt64, opens: Bool = true) -> RequestAction {
        switch state {
        case .awaitingHello:
            state = .closed
            return .rejectAndClose(RPCError(.failedPrecondition, "the first frame on a connection must be a hello"))
        case .closed:
            return .rejectAndClose(RPCError(.unavailable, "connection is closed"))
        case .draining:
            return .rejectCall(RPCError(.unavailable, "server is shutting down"))
        case .ready:
            break
        }
        guard callID != 0 else {
            return .rejectOnConnection(RPCError(.invalidArgument, "call_id must not be 0"))
        }
        guard calls[callID] == nil else {
            return .rejectOnConnection(RPCError(.invalidArgument,
                "call_id \(callID) is already in use by an open call; the new call was refused"))
        }
        guard calls.count < maxConcurrentCalls else {
            return .rejectCall(RPCError(.resourceExhausted,
                "too many calls in flight on this connection (limit \(maxConcurrentCalls))"))
        }
        if opens { calls[callID] = OpenCall() }
        return .open
    }

    /// Whether `callID` names an open call (a cancel or a late result for anything else is ignored).
    func isOpen(_ callID: UInt64) -> Bool { calls[callID] != nil }

    /// Records what an open call holds (its task, its timer, its debug line); nothing for an ended call.
    mutating func update(_ callID: UInt64, _ change: (inout OpenCall) -> Void) {
        guard var call = calls[callID] else { return }
        change(&call)
        calls[callID] = call
    }

    /// Ends `callID` (nil when it has ended already: a call ends once). `cancelWork`: it ends before its
    /// handler did (deadline, cancel, the client gone, shutdown), so its task is cancelled.
    mutating func endCall(_ callID: UInt64, cancelWork: Bool) -> EndAction? {
        guard let call = calls.removeValue(forKey: callID) else { return nil }
        let close: CloseAction = state == .draining && calls.isEmpty ? .closeAfterFlush : .keepOpen
        return EndAction(call: call, cancelTask: cancelWork, close: close)
    }

    /// A stream's message was written; `writable`: whether the socket takes more now.
    mutating func streamWrote(_ callID: UInt64, waiter: CheckedContinuation<Void, any Error>, writable: Bool) -> StreamWriteAction {
        guard calls[callID] != nil else { return .fail(waiter) }
        if writable { return .resume(waiter) }
        calls[callID]?.writeWaiter = waiter
        return .wait
    }

    /// The socket is writable again: the stream writes to resume.
    mutating func becameWritable() -> [CheckedContinuation<Void, any Error>] {
        var waiters: [CheckedContinuation<Void, any Error>] = []
        for (callID, call) in calls {
            if let waiter = call.writeWaiter {
                waiters.append(waiter)
                calls[callID]?.writeWaiter = nil
            }
        }
        return waiters
    }

    /// Starts a graceful shutdown; closes at once when no call is open.
    mutating func beginDraining() -> CloseAction {
        switch state {
        case .awaitingHello, .closed:
            state = .closed
            return .closeAfterFlush
        case .ready, .draining:
            state = .draining
            return calls.isEmpty ? .closeAfterFlush : .keepOpen
        }
    }

    /// The connection is gone; every call must have been ended first (`openCallIDs`).
    mutating func closed() {
        state = .closed
        assert(calls.isEmpty, "calls left open on a closed connection")
    }
}
