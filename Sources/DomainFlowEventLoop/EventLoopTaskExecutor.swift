import NIOCore

/// A `TaskExecutor` that runs jobs on one NIO event loop. The server's call handlers prefer their
/// connection's loop (a database call is event loop → store thread → event loop, without hops through
/// Swift's cooperative pool, and the reply is written where it was made); a client's callers may prefer
/// theirs (`DomainFlowClient.executor`), so that a call and its answer never leave the connection's thread.
public final class EventLoopTaskExecutor: TaskExecutor {
    public let loop: any EventLoop

    public init(loop: any EventLoop) {
        self.loop = loop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

extension EventLoop {
    /// Runs `body` now when called on this loop, else schedules it there.
    @inlinable
    public func runOnLoop(_ body: @escaping @Sendable () -> Void) {
        if inEventLoop { body() } else { execute(body) }
    }
}
