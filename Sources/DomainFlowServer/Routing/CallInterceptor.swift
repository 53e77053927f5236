/// Runs in front of the router for every call: decides whether the call may run, and as whom. The server
/// has exactly one: the `Authenticator` when authentication is required, `AdmitAll` when it is disabled
/// (protocol tests without a store).
protocol CallInterceptor: Sendable {
    /// The context the handler runs with (its principal set); throws the status that ends the call instead.
    func admit(_ context: CallContext, access: Access, method: UInt32) async throws -> CallContext
    /// Whether admitting a call of `access` needs I/O: then even a handler that would answer on the event loop
    /// runs as a task.
    func needsIO(for access: Access) -> Bool
}

/// Admits every call with no principal: a server whose authentication is disabled, which has no store
/// (`DomainFlowServer.start` refuses a store without authentication) and so serves the server service only.
struct AdmitAll: CallInterceptor {
    func admit(_ context: CallContext, access: Access, method: UInt32) async throws -> CallContext { context }
    func needsIO(for access: Access) -> Bool { false }
}

extension Authenticator: CallInterceptor {
    func admit(_ context: CallContext, access: Access, method: UInt32) async throws -> CallContext {
        var context = context
        context.principal = try await authorize(access, methodNumber: method, context: context)
        return context
    }

    func needsIO(for access: Access) -> Bool { access != .anonymous }
}
