/// Hands out work so that at most `limit` items of one host are out at once (politeness), taking hosts
/// in turn, each host's items in their order. Pure: the caller says when an item is done, by the host's number
/// (hosts are numbered in the order they first appear: no hash of a name per item done).
public struct PerHostQueue<Item> {
    public let limit: Int
    private var items: [[Item]] = []
    private var heads: [Int] = []
    private var inFlight: [Int] = []
    /// Hosts with pending items and room, in turn; `isReady` mirrors it.
    private var ready: [Int] = []
    private var readyHead = 0
    private var isReady: [Bool] = []
    public private(set) var pendingCount = 0

    public init(_ items: [Item], limit: Int, host: (Item) -> String) {
        self.limit = max(1, limit)
        var number: [String: Int] = [:]  // one hash of a host's name per item, here only
        for item in items {
            let key = host(item)
            if let known = number[key] {
                self.items[known].append(item)
                continue
            }
            number[key] = self.items.count
            ready.append(self.items.count)
            self.items.append([item])
            heads.append(0)
            inFlight.append(0)
            isReady.append(true)
        }
        pendingCount = items.count
    }

    /// The next item that may go out, with its host's number, or nil when every pending host is at its limit (or
    /// none is left).
    public mutating func next() -> (item: Item, host: Int)? {
        while readyHead < ready.count {
            let host = ready[readyHead]
            readyHead += 1
            isReady[host] = false
            let head = heads[host]
            guard head < items[host].count, inFlight[host] < limit else { continue }
            heads[host] = head + 1
            inFlight[host] += 1
            pendingCount -= 1
            if head + 1 < items[host].count, inFlight[host] < limit { markReady(host) }
            if readyHead > 1024, readyHead * 2 > ready.count { ready.removeFirst(readyHead); readyHead = 0 }
            return (items[host][head], host)
        }
        return nil
    }

    /// An item of host number `host` (as `next` gave it) is done: its slot is free.
    public mutating func done(host: Int) {
        guard items.indices.contains(host), inFlight[host] > 0 else { return }
        inFlight[host] -= 1
        if heads[host] < items[host].count { markReady(host) }
    }

    private mutating func markReady(_ host: Int) {
        guard !isReady[host] else { return }
        ready.append(host)
        isReady[host] = true
    }
}

extension PerHostQueue: Sendable where Item: Sendable {}
