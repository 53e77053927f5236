import NIOCore

/// A `TaskExecutor` that runs jobs on one NIO event loop. A call's handler task prefers its
/// connection's loop, so that a database call is event loop → store thread → event loop,
/// without hops through Swift's cooperative pool, and its reply is written where it was made.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

extension EventLoop {
    /// Runs `body` now when called on this loop, else schedules it there.
    @inlinable
    func runOnLoop(_ body: @escaping @Sendable () -> Void) {
        if inEventLoop { body() } else { execute(body) }
    }
}
