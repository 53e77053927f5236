import CLinuxEvents
import Dispatch
import DomainFlowWire
import Glibc
import NIOConcurrencyHelpers
import NIOCore
import Synchronization

/// A descriptor registered with a `ServerEventLoop`'s epoll, told what it is ready for (its loop's thread only).
protocol LoopSocket: AnyObject {
    func ready(_ events: UInt32)
}

/// One thread with its own epoll that runs the server's connections: their reads, frames, calls answered at
/// once, writes and timers, and (through `EventLoopTaskExecutor`) the handler tasks that prefer it, so that a
/// database call is loop → store thread → loop. A SwiftNIO channel cost about 3 µs of CPU a call in its pipeline,
/// buffers and promises beside our own handling (measured on Ping: 8.2 µs a call against 3.5 for the C epoll
/// floor); a connection here is a socket, a read buffer and a write queue (`SocketConnection`).
///
/// It is a NIO `EventLoop`, so that futures, promises, `NIOLoopBound` and scheduled tasks work on it as on NIO's own.
/// Work submitted after it has stopped is dropped, as NIO's loops do.
final class ServerEventLoop: EventLoop, @unchecked Sendable {
    let index: Int
    private let epoll: Int32
    private let wakeFD: Int32
    private let queue = NIOLockedValueBox<[@Sendable () -> Void]>([])
    /// True from a wake-up's write to the eventfd until the loop has read it: one write per batch of submissions.
    private let wakePending = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    private let threadID = Atomic<UInt>(0)
    private let nextTimerID = Atomic<UInt64>(1)
    private let exit = NIOLockedValueBox<(exited: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    // The loop's thread only:
    private var sockets: [UInt64: any LoopSocket] = [:]
    private var nextToken: UInt64 = 1
    private var timers = TimerQueue()

    /// Starts the loop's thread; nil when the kernel refuses an epoll or an eventfd.
    init?(index: Int) {
        self.index = index
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(u64: 0))
        guard epoll >= 0, wakeFD >= 0, epoll_ctl(epoll, EPOLL_CTL_ADD, wakeFD, &event) == 0 else {
            if epoll >= 0 { Glibc.close(epoll) }
            if wakeFD >= 0 { Glibc.close(wakeFD) }
            return nil
        }
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { argument in
            let loop = Unmanaged<ServerEventLoop>.fromOpaque(argument!).takeRetainedValue()
            loop.run()
            return nil
        }, Unmanaged.passRetained(self).toOpaque())
        guard started == 0 else {
            Glibc.close(epoll)
            Glibc.close(wakeFD)
            return nil
        }
        pthread_detach(thread)
    }

    // MARK: EventLoop

    var inEventLoop: Bool { threadID.load(ordering: .relaxed) == UInt(pthread_self()) }

    func execute(_ task: @escaping @Sendable () -> Void) {
        guard !stopping.load(ordering: .relaxed) else { return }
        queue.withLockedValue { $0.append(task) }
        // On the loop itself no wake-up is needed: it looks at its queue before it waits again.
        if !inEventLoop && !wakePending.exchange(true, ordering: .sequentiallyConsistent) {
            _ = eventfd_write(wakeFD, 1)
        }
    }

    func scheduleTask<T>(deadline: NIODeadline, _ task: @escaping @Sendable () throws -> T) -> Scheduled<T> {
        let promise: EventLoopPromise<T> = makePromise()
        let id = nextTimerID.wrappingAdd(1, ordering: .relaxed).oldValue
        runOnLoop {
            self.timers.schedule(id: id, at: deadline) {
                do { promise.assumeIsolatedUnsafeUnchecked().succeed(try task()) } catch { promise.fail(error) }
            }
        }
        return Scheduled(promise: promise, cancellationTask: { self.runOnLoop { self.timers.cancel(id: id) } })
    }

    func scheduleTask<T>(in delay: TimeAmount, _ task: @escaping @Sendable () throws -> T) -> Scheduled<T> {
        scheduleTask(deadline: .now() + delay, task)
    }

    func shutdownGracefully(queue callbackQueue: DispatchQueue, _ callback: @escaping @Sendable (Error?) -> Void) {
        Task {
            await self.stop()
            callbackQueue.async { callback(nil) }
        }
    }

    // MARK: stopping

    /// Stops the thread after its current turn and returns once it has; work submitted from then on is dropped.
    func stop() async {
        stopping.store(true, ordering: .sequentiallyConsistent)
        _ = eventfd_write(wakeFD, 1)
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let exited = exit.withLockedValue { state in
                if !state.exited { state.waiters.append(waiter) }
                return state.exited
            }
            if exited { waiter.resume() }
        }
    }

    // MARK: descriptors (the loop's thread only)

    /// Adds `fd` to the epoll for `events`, told to `socket`; returns the registration's token, or nil (errno set).
    func register(_ socket: any LoopSocket, fd: Int32, events: UInt32) -> UInt64? {
        let token = nextToken
        var event = epoll_event(events: events, data: epoll_data_t(u64: token))
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) == 0 else { return nil }
        nextToken += 1
        sockets[token] = socket
        return token
    }

    /// Changes what the registration `token` of `fd` waits for.
    func modify(_ token: UInt64, fd: Int32, events: UInt32) {
        var event = epoll_event(events: events, data: epoll_data_t(u64: token))
        _ = epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &event)
    }

    /// Removes `fd` from the epoll (before it is closed); its pending events are not delivered.
    func deregister(_ token: UInt64, fd: Int32) {
        var event = epoll_event()
        _ = epoll_ctl(epoll, EPOLL_CTL_DEL, fd, &event)
        sockets[token] = nil
    }

    // MARK: the thread

    private func run() {
        threadID.store(UInt(pthread_self()), ordering: .sequentiallyConsistent)
        _ = domainflow_name_this_thread("df-loop-\(index)")  // 15 bytes at most
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        var batch: [@Sendable () -> Void] = []
        var tasksWaiting = false
        while !stopping.load(ordering: .relaxed) {
            let ready = epoll_wait(epoll, &events, Int32(events.count), tasksWaiting ? 0 : timeoutMillis())
            if ready > 0 {
                for index in 0..<Int(ready) {
                    let token = events[index].data.u64
                    if token == 0 {
                        var value: eventfd_t = 0
                        _ = eventfd_read(wakeFD, &value)
                        wakePending.store(false, ordering: .sequentiallyConsistent)
                    } else if let socket = sockets[token] {
                        socket.ready(events[index].events)
                    }
                }
            }
            if timers.count > 0 {
                for body in timers.takeDue(at: .now()) { body() }
            }
            queue.withLockedValue { swap(&$0, &batch) }
            for task in batch { task() }
            batch.removeAll(keepingCapacity: true)
            tasksWaiting = queue.withLockedValue { !$0.isEmpty }
        }
        Glibc.close(epoll)
        Glibc.close(wakeFD)
        let waiters = exit.withLockedValue { state in
            state.exited = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// epoll_wait's timeout: until the earliest timer (rounded up to the millisecond), or forever.
    private func timeoutMillis() -> Int32 {
        guard let deadline = timers.earliestDeadline() else { return -1 }
        let now = NIODeadline.now()
        guard deadline > now else { return 0 }
        let millis = (deadline.uptimeNanoseconds - now.uptimeNanoseconds + 999_999) / 1_000_000
        return Int32(min(UInt64(Int32.max), millis))
    }
}

/// The server's event loops: connections are spread round them.
final class ServerEventLoopGroup: Sendable {
    let loops: [ServerEventLoop]
    private let turn = Atomic<Int>(0)

    init(threads: Int) throws {
        let loops = (0..<max(1, threads)).compactMap { ServerEventLoop(index: $0) }
        guard loops.count == max(1, threads) else {
            let reason = String(cString: strerror(errno))
            throw RPCError(.internal, "cannot start the server's event loops (epoll or eventfd): \(reason)")
        }
        self.loops = loops
    }

    /// The loop for the next connection.
    func next() -> ServerEventLoop {
        loops[turn.wrappingAdd(1, ordering: .relaxed).oldValue % loops.count]
    }

    func stop() async {
        for loop in loops { await loop.stop() }
    }
}
