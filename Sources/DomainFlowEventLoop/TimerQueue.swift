import NIOCore

/// The timers of one `EpollEventLoop`: a binary min-heap of deadlines with cancellation by id. A cancelled
/// timer leaves its heap entry behind until the heap holds twice as many entries as live timers; then the heap is
/// rebuilt from the live ones, so a server whose calls all finish before their deadlines does not grow.
/// Not thread-safe: its loop's thread only.
struct TimerQueue {
    private struct Entry {
        var deadline: UInt64
        var id: UInt64
    }

    private var heap: [Entry] = []
    private var bodies: [UInt64: () -> Void] = [:]

    /// Live timers (scheduled, neither run nor cancelled).
    var count: Int { bodies.count }

    /// The earliest live deadline, if any (cancelled entries at the top are dropped on the way).
    mutating func earliestDeadline() -> NIODeadline? {
        while let top = heap.first {
            if bodies[top.id] != nil { return .uptimeNanoseconds(top.deadline) }
            popTop()
        }
        return nil
    }

    mutating func schedule(id: UInt64, at deadline: NIODeadline, _ body: @escaping () -> Void) {
        bodies[id] = body
        heap.append(Entry(deadline: deadline.uptimeNanoseconds, id: id))
        siftUp(heap.count - 1)
    }

    /// Forgets the timer; false when it had run or been cancelled already.
    @discardableResult
    mutating func cancel(id: UInt64) -> Bool {
        guard bodies.removeValue(forKey: id) != nil else { return false }
        if heap.count > 64 && heap.count > 2 * bodies.count { rebuild() }
        return true
    }

    /// Removes and returns the bodies of every timer due at `now`, earliest first.
    mutating func takeDue(at now: NIODeadline) -> [() -> Void] {
        var due: [() -> Void] = []
        while let top = heap.first, top.deadline <= now.uptimeNanoseconds {
            popTop()
            if let body = bodies.removeValue(forKey: top.id) { due.append(body) }
        }
        return due
    }

    private mutating func rebuild() {
        heap.removeAll { bodies[$0.id] == nil }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
    }

    private mutating func popTop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        siftDown(0)
    }

    private func before(_ a: Entry, _ b: Entry) -> Bool {
        a.deadline != b.deadline ? a.deadline < b.deadline : a.id < b.id
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard before(heap[child], heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var smallest = left
            if left + 1 < heap.count && before(heap[left + 1], heap[left]) { smallest = left + 1 }
            guard before(heap[smallest], heap[parent]) else { return }
            heap.swapAt(smallest, parent)
            parent = smallest
        }
    }
}
