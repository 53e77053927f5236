import DomainFlowWire

extension RPCError {
    /// The status a handler's thrown error becomes. Only `RPCError`s reach the client
    /// verbatim; anything else is INTERNAL with no detail (the detail is logged).
    static func from(_ error: any Error) -> RPCError {
        switch error {
        case let error as RPCError: error
        case is CancellationError: RPCError(.cancelled, "call was cancelled")
        default: RPCError(.internal, "internal error")
        }
    }
}
