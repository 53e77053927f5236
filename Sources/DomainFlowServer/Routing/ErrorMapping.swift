import DomainFlowStore
import DomainFlowWire

extension RPCError {
    /// The status a handler's thrown error becomes. `RPCError`s reach the client verbatim,
    /// store errors by their kind with the constraint's meaning; anything else is INTERNAL
    /// with no detail (the detail is logged).
    static func from(_ error: any Error) -> RPCError {
        switch error {
        case let error as RPCError: error
        case let error as StoreError: RPCError(StatusCode(error.kind), error.userMessage)
        case is CancellationError: RPCError(.cancelled, "call was cancelled")
        default: RPCError(.internal, "internal error")
        }
    }
}

extension StatusCode {
    /// The protocol status of a store failure kind.
    init(_ kind: StoreError.Kind) {
        switch kind {
        case .alreadyExists: self = .alreadyExists
        case .invalidArgument: self = .invalidArgument
        case .failedPrecondition: self = .failedPrecondition
        case .aborted: self = .aborted
        case .unavailable: self = .unavailable
        case .resourceExhausted: self = .resourceExhausted
        case .internal: self = .internal
        }
    }
}
