import DomainFlowCore
import Testing

@Suite struct PerHostQueueTests {
    @Test func neverMoreThanTheLimitOfOneHostOutAndEveryItemOnce() {
        let items = ["a/1", "a/2", "a/3", "b/1", "a/4", "c/1", "b/2"]
        var queue = PerHostQueue(items, limit: 2) { String($0.prefix(1)) }
        var out: [Int: Int] = [:]
        var given: [String] = []
        var running: [(String, Int)] = []
        var hostOfNumber: [Int: Substring] = [:]
        // Take all that may go; then finish the oldest; repeat.
        while true {
            while let next = queue.next() {
                #expect(hostOfNumber[next.host, default: next.item.prefix(1)] == next.item.prefix(1), "one number per host")
                hostOfNumber[next.host] = next.item.prefix(1)
                out[next.host, default: 0] += 1
                #expect(out[next.host]! <= 2, "at most 2 of \(next.host) at once")
                given.append(next.item)
                running.append((next.item, next.host))
            }
            guard !running.isEmpty else { break }
            let (_, host) = running.removeFirst()
            out[host]! -= 1
            queue.done(host: host)
        }
        #expect(given.sorted() == items.sorted(), "every item exactly once")
        #expect(given.filter { $0.hasPrefix("a") } == ["a/1", "a/2", "a/3", "a/4"], "a host's items in their order")
        #expect(Array(given.prefix(5)) == ["a/1", "b/1", "c/1", "a/2", "b/2"], "hosts in turn")
        #expect(queue.pendingCount == 0)
    }

    @Test func aHostAtItsLimitWaitsWhileOthersGo() {
        var queue = PerHostQueue(["x", "x", "x", "y"], limit: 1) { $0 }
        let x = queue.next()
        #expect(x?.item == "x")
        #expect(queue.next()?.item == "y")
        #expect(queue.next() == nil, "x is at its limit")
        queue.done(host: x!.host)
        #expect(queue.next()?.item == "x")
        #expect(queue.pendingCount == 1)
    }
}
