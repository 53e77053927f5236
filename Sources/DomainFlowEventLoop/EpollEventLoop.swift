import CLinuxEvents
import Dispatch
import Glibc
import NIOConcurrencyHelpers
import NIOCore
import Synchronization

/// A descriptor registered with an `EpollEventLoop`'s epoll, told what it is ready for (its loop's thread only).
public protocol LoopSocket: AnyObject {
    func ready(_ events: UInt32)
}

/// One thread with its own epoll that runs the server's connections (their reads, frames, calls answered at
/// once, writes and timers), the handler tasks that prefer it (through `EventLoopTaskExecutor`), and the store's
/// pipelined PostgreSQL connection of that loop, so that a database read is sent, answered and resumed on the
/// thread that read the call, with no other thread woken. A SwiftNIO channel cost about 3 µs of CPU a call in its pipeline,
/// buffers and promises beside our own handling (measured on Ping: 8.2 µs a call against 3.5 for the C epoll
/// floor); a connection here is a socket, a read buffer and a write queue (`SocketConnection`).
///
/// It is a NIO `EventLoop`, so that futures, promises, `NIOLoopBound` and scheduled tasks work on it as on NIO's own.
/// Work submitted after it has stopped is dropped, as NIO's loops do.
public final class EpollEventLoop: EventLoop, @unchecked Sendable {
    public let index: Int
    private let name: String
    private let epoll: Int32
    private let wakeFD: Int32
    /// Work submitted for the loop's next turn; `closed` once the thread has taken its last batch.
    private let queue = NIOLockedValueBox<(tasks: [@Sendable () -> Void], closed: Bool)>(([], false))
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

    /// Starts the loop's thread, named `name-index` (15 bytes at most); nil when the kernel refuses an epoll or an eventfd.
    public init?(index: Int, name: String = "df-loop") {
        self.index = index
        self.name = name
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(u64: 0))
        // Returning nil runs deinit, which closes what was opened.
        guard epoll >= 0, wakeFD >= 0, epoll_ctl(epoll, EPOLL_CTL_ADD, wakeFD, &event) == 0 else { return nil }
        var thread = pthread_t()
        let retained = Unmanaged.passRetained(self)  // the thread's reference
        let started = pthread_create(&thread, nil, { argument in
            let loop = Unmanaged<EpollEventLoop>.fromOpaque(argument!).takeRetainedValue()
            loop.run()
            return nil
        }, retained.toOpaque())
        guard started == 0 else {
            retained.release()
            return nil
        }
        pthread_detach(thread)
    }

    // The descriptors close with the last reference, not when the thread ends: a submitter that raced with the end
    // may still write to the eventfd, a connection still deregister from the epoll.
    deinit {
        if epoll >= 0 { Glibc.close(epoll) }
        if wakeFD >= 0 { Glibc.close(wakeFD) }
    }

    // MARK: EventLoop

    public var inEventLoop: Bool { threadID.load(ordering: .relaxed) == UInt(pthread_self()) }

    public func execute(_ task: @escaping @Sendable () -> Void) { submit(task) }

    /// Queues `task` for the loop's next turn; false (and `task` dropped) once the loop has stopped. A task
    /// accepted runs, even when the loop is stopped before its turn comes: the thread runs its last batch on the way out.
    @discardableResult
    public func submit(_ task: @escaping @Sendable () -> Void) -> Bool {
        let accepted = queue.withLockedValue { state in
            if !state.closed { state.tasks.append(task) }
            return !state.closed
        }
        // On the loop itself no wake-up is needed: it looks at its queue before it waits again.
        if accepted && !inEventLoop && !wakePending.exchange(true, ordering: .sequentiallyConsistent) {
            _ = eventfd_write(wakeFD, 1)
        }
        return accepted
    }

    public func scheduleTask<T>(deadline: NIODeadline, _ task: @escaping @Sendable () throws -> T) -> Scheduled<T> {
        let promise: EventLoopPromise<T> = makePromise()
        let id = nextTimerID.wrappingAdd(1, ordering: .relaxed).oldValue
        runOnLoop {
            self.timers.schedule(id: id, at: deadline) {
                do { promise.assumeIsolatedUnsafeUnchecked().succeed(try task()) } catch { promise.fail(error) }
            }
        }
        return Scheduled(promise: promise, cancellationTask: { self.runOnLoop { self.timers.cancel(id: id) } })
    }

    public func scheduleTask<T>(in delay: TimeAmount, _ task: @escaping @Sendable () throws -> T) -> Scheduled<T> {
        scheduleTask(deadline: .now() + delay, task)
    }

    public func shutdownGracefully(queue callbackQueue: DispatchQueue, _ callback: @escaping @Sendable (Error?) -> Void) {
        Task {
            await self.stop()
            callbackQueue.async { callback(nil) }
        }
    }

    // MARK: stopping

    /// Stops the thread after its current turn (and the work already queued) and returns once it has; work
    /// submitted from then on is dropped.
    public func stop() async {
        requestStop()
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let exited = exit.withLockedValue { state in
                if !state.exited { state.waiters.append(waiter) }
                return state.exited
            }
            if exited { waiter.resume() }
        }
    }

    /// Tells the thread to stop after its current turn, without waiting for it.
    public func requestStop() {
        if !stopping.exchange(true, ordering: .sequentiallyConsistent) { _ = eventfd_write(wakeFD, 1) }
    }

    // MARK: descriptors (the loop's thread only)

    /// Adds `fd` to the epoll for `events`, told to `socket`; returns the registration's token, or nil (errno set).
    public func register(_ socket: any LoopSocket, fd: Int32, events: UInt32) -> UInt64? {
        let token = nextToken
        var event = epoll_event(events: events, data: epoll_data_t(u64: token))
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) == 0 else { return nil }
        nextToken += 1
        sockets[token] = socket
        return token
    }

    /// Changes what the registration `token` of `fd` waits for.
    public func modify(_ token: UInt64, fd: Int32, events: UInt32) {
        var event = epoll_event(events: events, data: epoll_data_t(u64: token))
        _ = epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &event)
    }

    /// Removes `fd` from the epoll (before it is closed); its pending events are not delivered.
    public func deregister(_ token: UInt64, fd: Int32) {
        var event = epoll_event()
        _ = epoll_ctl(epoll, EPOLL_CTL_DEL, fd, &event)
        sockets[token] = nil
    }

    // MARK: the thread

    private func run() {
        threadID.store(UInt(pthread_self()), ordering: .sequentiallyConsistent)
        _ = domainflow_name_this_thread("\(name)-\(index)")  // 15 bytes at most
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
            queue.withLockedValue { swap(&$0.tasks, &batch) }
            for task in batch { task() }
            batch.removeAll(keepingCapacity: true)
            tasksWaiting = queue.withLockedValue { !$0.tasks.isEmpty }
        }
        // The last batch: what was accepted before the queue closed runs (its own submissions are dropped).
        batch = queue.withLockedValue { state in
            state.closed = true
            defer { state.tasks = [] }
            return state.tasks
        }
        for task in batch { task() }
        sockets = [:]  // what stays registered refers to this loop: the cycles end here
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

/// Event loops that work is spread round: the server's connections, and the store's pipelined connections.
public final class EpollEventLoopGroup: Sendable {
    public let loops: [EpollEventLoop]
    private let turn = Atomic<Int>(0)

    /// Starts `threads` loops (at least one) named `name-0`, `name-1`...
    public init(threads: Int, name: String = "df-loop") throws(EventLoopStartError) {
        var loops: [EpollEventLoop] = []
        for index in 0..<max(1, threads) {
            guard let loop = EpollEventLoop(index: index, name: name) else {
                let reason = String(cString: strerror(errno))
                for started in loops { started.requestStop() }
                throw EventLoopStartError(message: "cannot start an event loop (epoll or eventfd): \(reason)")
            }
            loops.append(loop)
        }
        self.loops = loops
    }

    /// Loops a server starts by default: half the cores, at least one. The other half is left to PostgreSQL's
    /// backends, the engine and the clients on the same machine: on 2 cores one loop served Ping at 16 connections at
    /// 63-79% of the C floor against 61-66% for two, and GetCampaign at 19,600-22,900 calls/s against 15,400-16,600.
    public static var defaultThreads: Int { max(1, System.coreCount / 2) }

    /// The loop for the next connection.
    public func next() -> EpollEventLoop {
        loops[turn.wrappingAdd(1, ordering: .relaxed).oldValue % loops.count]
    }

    /// The group's loop whose thread this is, if any.
    public var current: EpollEventLoop? { loops.first { $0.inEventLoop } }

    public func stop() async {
        for loop in loops { await loop.stop() }
    }
}

/// The kernel refused an epoll or an eventfd.
public struct EventLoopStartError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
