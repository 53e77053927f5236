@testable import DomainFlowEventLoop
import Glibc
import NIOConcurrencyHelpers
import NIOCore
import Testing

/// The server's event loop and its timers.
@Suite struct EpollEventLoopTests {
    @Test func timersComeDueInDeadlineOrderAndACancelledOneNever() {
        var timers = TimerQueue()
        var ran: [Int] = []
        let base = NIODeadline.uptimeNanoseconds(1_000_000)
        for (id, offset) in [(1, 30), (2, 10), (3, 20), (4, 10), (5, 40)] {
            timers.schedule(id: UInt64(id), at: base + .nanoseconds(Int64(offset))) { ran.append(id) }
        }
        let cancelled = timers.cancel(id: 3)
        let again = timers.cancel(id: 3)
        #expect(cancelled)
        #expect(!again, "a second cancel finds nothing")
        let first = timers.earliestDeadline()
        #expect(first == base + .nanoseconds(10))
        for body in timers.takeDue(at: base + .nanoseconds(30)) { body() }
        #expect(ran == [2, 4, 1], "equal deadlines in the order scheduled; 3 cancelled; 5 not due")
        #expect(timers.count == 1)
        let next = timers.earliestDeadline()
        #expect(next == base + .nanoseconds(40))
        let afterRunning = timers.cancel(id: 1)
        #expect(!afterRunning, "a timer that ran cannot be cancelled")
    }

    @Test func cancelledTimersDoNotAccumulate() {
        var timers = TimerQueue()
        let far = NIODeadline.uptimeNanoseconds(UInt64(1) << 60)
        for id in UInt64(1)...10_000 {
            timers.schedule(id: id, at: far) {}
            let cancelled = timers.cancel(id: id)
            #expect(cancelled)
        }
        #expect(timers.count == 0)
        let none = timers.earliestDeadline()
        #expect(none == nil)
        timers.schedule(id: 20_000, at: far) {}
        let one = timers.earliestDeadline()
        #expect(one == far)
    }

    @Test func workFromOtherThreadsRunsOnTheLoopInOrder() async throws {
        let loop = try #require(EpollEventLoop(index: 9))
        let seen = NIOLockedValueBox<[Int]>([])
        let onLoop = NIOLockedValueBox(true)
        for value in 0..<1000 {
            loop.execute {
                if !loop.inEventLoop { onLoop.withLockedValue { $0 = false } }
                seen.withLockedValue { $0.append(value) }
            }
        }
        let last = try await loop.submit { loop.inEventLoop }.get()
        #expect(last)
        #expect(!loop.inEventLoop)
        #expect(onLoop.withLockedValue { $0 })
        #expect(seen.withLockedValue { $0 } == Array(0..<1000))
        await loop.stop()
    }

    @Test func scheduledTasksRunAfterTheirDelayAndCancelledOnesFailCancelled() async throws {
        let loop = try #require(EpollEventLoop(index: 8))
        let start = NIODeadline.now()
        let later = loop.scheduleTask(in: .milliseconds(30)) { NIODeadline.now() }
        let cancelled = loop.scheduleTask(in: .milliseconds(10)) { NIODeadline.now() }
        cancelled.cancel()
        let ranAt = try await later.futureResult.get()
        #expect(ranAt - start >= .milliseconds(30))
        await #expect(throws: EventLoopError.self) { try await cancelled.futureResult.get() }
        await loop.stop()
    }

    @Test func workAcceptedBeforeStopRunsAndWorkAfterItIsRefused() async throws {
        let loop = try #require(EpollEventLoop(index: 7))
        let ran = NIOLockedValueBox(0)
        let gate = NIOLockedValueBox(false)
        // The first task holds the loop's turn while the others queue behind it and stop is asked for.
        loop.execute { while !gate.withLockedValue({ $0 }) { usleep(1000) } }
        var accepted = 0
        for _ in 0..<100 where loop.submit({ ran.withLockedValue { $0 += 1 } }) { accepted += 1 }
        loop.requestStop()
        gate.withLockedValue { $0 = true }
        await loop.stop()
        #expect(accepted == 100)
        #expect(ran.withLockedValue { $0 } == 100, "every task accepted before the stop ran")
        let late = loop.submit { ran.withLockedValue { $0 += 1 } }
        #expect(!late, "a stopped loop refuses work")
        #expect(ran.withLockedValue { $0 } == 100)
    }
}
