import DomainFlowWire

/// The per-connection protocol as a value: hello first, then calls with unique ids,
/// then draining at shutdown. No I/O: every event returns what the handler must do.
struct ConnectionStateMachine {
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
    private(set) var openCalls: Set<UInt64> = []
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

    mutating func receivedRequest(callID: UInt64) -> RequestAction {
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
        guard !openCalls.contains(callID) else {
            return .rejectOnConnection(RPCError(.invalidArgument,
                "call_id \(callID) is already in use by an open call; the new call was refused"))
        }
        guard openCalls.count < maxConcurrentCalls else {
            return .rejectCall(RPCError(.resourceExhausted,
                "too many calls in flight on this connection (limit \(maxConcurrentCalls))"))
        }
        openCalls.insert(callID)
        return .open
    }

    /// Whether `callID` names an open call (a cancel for anything else is ignored).
    func isOpen(_ callID: UInt64) -> Bool { openCalls.contains(callID) }

    /// Records the end of a call; closes when it was the last one of a draining connection.
    mutating func callEnded(_ callID: UInt64) -> CloseAction {
        openCalls.remove(callID)
        return state == .draining && openCalls.isEmpty ? .closeAfterFlush : .keepOpen
    }

    /// Starts a graceful shutdown; closes at once when no call is open.
    mutating func beginDraining() -> CloseAction {
        switch state {
        case .awaitingHello, .closed:
            state = .closed
            return .closeAfterFlush
        case .ready, .draining:
            state = .draining
            return openCalls.isEmpty ? .closeAfterFlush : .keepOpen
        }
    }

    mutating func closed() {
        state = .closed
        openCalls.removeAll()
    }
}
