/// Hands out work so that at most `limit` items of one host are out at once (politeness), taking hosts
/// in turn, each host's items in their order. Pure: the caller says when an item is done.
public struct PerHostQueue<Item> {
    public let limit: Int
    private var pending: [String: [Item]] = [:]
    private var heads: [String: Int] = [:]
    private var inFlight: [String: Int] = [:]
    /// Hosts with pending items and room, in turn; `readySet` mirrors it.
    private var ready: [String] = []
    private var readyHead = 0
    private var readySet: Set<String> = []
    public private(set) var pendingCount = 0

    public init(_ items: [Item], limit: Int, host: (Item) -> String) {
        self.limit = max(1, limit)
        for item in items {
            let key = host(item)
            if pending[key] == nil { ready.append(key); readySet.insert(key) }
            pending[key, default: []].append(item)
        }
        pendingCount = items.count
    }

    /// The next item that may go out, with its host, or nil when every pending host is at its limit (or none is left).
    public mutating func next() -> (item: Item, host: String)? {
        while readyHead < ready.count {
            let host = ready[readyHead]
            readyHead += 1
            readySet.remove(host)
            let head = heads[host, default: 0]
            guard let items = pending[host], head < items.count, inFlight[host, default: 0] < limit else { continue }
            heads[host] = head + 1
            inFlight[host, default: 0] += 1
            pendingCount -= 1
            if head + 1 < items.count, inFlight[host, default: 0] < limit { markReady(host) }
            if readyHead > 1024, readyHead * 2 > ready.count { ready.removeFirst(readyHead); readyHead = 0 }
            return (items[head], host)
        }
        return nil
    }

    /// An item of `host` is done: its slot is free.
    public mutating func done(host: String) {
        inFlight[host, default: 1] -= 1
        if let items = pending[host], heads[host, default: 0] < items.count { markReady(host) }
    }

    private mutating func markReady(_ host: String) {
        guard !readySet.contains(host) else { return }
        ready.append(host)
        readySet.insert(host)
    }
}
