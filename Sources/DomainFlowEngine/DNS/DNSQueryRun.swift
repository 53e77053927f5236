import DequeModule
import DomainFlowCore
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// How a run resolves: a DNS persona's settings as the engine applies them.
public struct DNSRunSettings: Sendable {
    public var resolvers: [String]
    public var weights: [Int]
    public var rotation: ResolverSelector.Rotation
    public var timeout: Duration
    public var retries: Int
    public var concurrency: Int
    public var nxdomainQuorum: Int
    public var delayMinMillis: Int
    public var delayMaxMillis: Int

    public init(resolvers: [String], weights: [Int] = [], rotation: ResolverSelector.Rotation = .roundRobin,
                timeout: Duration = .seconds(2), retries: Int = 2, concurrency: Int = 100, nxdomainQuorum: Int = 1,
                delayMinMillis: Int = 0, delayMaxMillis: Int = 0) {
        self.resolvers = resolvers; self.weights = weights; self.rotation = rotation; self.timeout = timeout
        self.retries = retries; self.concurrency = concurrency; self.nxdomainQuorum = nxdomainQuorum
        self.delayMinMillis = delayMinMillis; self.delayMaxMillis = delayMaxMillis
    }
}

/// One (name, type) to resolve; `pinnedResolver` sends every attempt to that resolver (wildcard probes).
public struct DNSWorkItem: Sendable, Equatable {
    public var name: String
    public var type: DNSRecordType
    public var pinnedResolver: Int?
    public init(name: String, type: DNSRecordType, pinnedResolver: Int? = nil) {
        self.name = name; self.type = type; self.pinnedResolver = pinnedResolver
    }
}

/// The result of one work item, with the time from its first query to its final answer.
public struct DNSRunResult: Sendable, Equatable {
    public var resolution: DNSResolution
    public var elapsedMillis: Int
}

/// Resolves many (name, type) items through a persona's resolvers with a bounded, adaptive in-flight
/// window, on one event loop, sharing that loop's long-lived UDP sockets: massdns's model. No task per
/// query: queries are datagrams in flight, tracked in a table; timeouts are swept by one repeating timer
/// (every query of a run has the same timeout, so send order is deadline order); retries, NXDOMAIN
/// quorum and CNAME hops follow `DNSQueryState`; truncated answers are asked again over TCP.
/// Confined to its event loop.
public final class DNSQueryRun: DNSReplySink, @unchecked Sendable {
    private struct Attempt {
        let item: Int
        let resolver: Int
        let name: String
        let socket: Int
        let id: UInt16
        let deadline: UInt64
    }

    private let loop: any EventLoop
    private let settings: DNSRunSettings
    private let addresses: [SocketAddress]
    private let items: [DNSWorkItem]
    private let limiter: RateLimiter
    private var selector: ResolverSelector
    private var window: WindowController
    /// The window's pace as a bucket, rebuilt when the pace changes.
    private var pacer: TokenBucket?
    private var sockets: [DNSUDPSocket] = []
    private var nextSocket = 0
    private var states: [DNSQueryState]
    private var firstSent: [UInt64]
    private var results: [DNSRunResult?]
    private var attempts: [Int: Attempt] = [:]
    private var timeouts = Deque<(deadline: UInt64, serial: Int)>()
    private var ready = Deque<(item: Int, name: String, resolver: Int?)>()
    /// Resolvers that answered with TC in this run: they rate-limit (RRL slips TC replies among its drops), so a
    /// query of theirs that timed out is asked again over TCP, which the limit does not cover.
    private var truncating: Set<Int> = []
    /// Items whose next attempt goes over TCP.
    private var viaTCP: Set<Int> = []
    /// TCP queries in flight, at most `maxTCPInFlight` (servers take few TCP connections at once: nsd 100 by
    /// default); the rest wait their turn.
    private var tcpInFlight = 0
    private var tcpWaiting = Deque<(item: Int, resolver: Int, name: String)>()
    static let maxTCPInFlight = 16
    private var nextItem = 0
    private var inFlight = 0
    private var finished = 0
    private var serial = 0
    private var sweeper: RepeatedTask?
    private var tickNanos: UInt64 = 0
    private var lastSweep: UInt64 = 0
    private var deferredSweep = false
    private var pumpScheduled = false
    private let timeoutNanos: UInt64
    private let done: EventLoopPromise<[DNSRunResult]>
    /// Datagrams sent, for the campaign's query count.
    public private(set) var queriesSent = 0

    /// A run of `items`; `distrusted` resolvers (found lying earlier) are not asked while others are left.
    public init(items: [DNSWorkItem], settings: DNSRunSettings, limiter: RateLimiter, distrusted: Set<Int> = [],
                loop: any EventLoop) throws {
        self.loop = loop
        self.settings = settings
        self.items = items
        self.limiter = limiter
        self.addresses = try settings.resolvers.map { text in
            guard let (host, port) = ResolverAddress.parse(text) else { throw DNSRunError(description: "bad resolver address \(text)") }
            return try SocketAddress(ipAddress: host, port: port)
        }
        guard !addresses.isEmpty else { throw DNSRunError(description: "no resolvers") }
        var selector = ResolverSelector(count: addresses.count, rotation: settings.rotation, weights: settings.weights)
        for resolver in distrusted where resolver < addresses.count { selector.distrust(resolver) }
        self.selector = selector
        let now = NIODeadline.now().uptimeNanoseconds
        self.window = WindowController(maximum: settings.concurrency, now: Int64(now),
                                       minimum: min(settings.concurrency, 8))
        self.states = items.map {
            DNSQueryState(name: $0.name, type: $0.type, retries: settings.retries,
                          quorum: $0.pinnedResolver == nil ? settings.nxdomainQuorum : 1)
        }
        self.firstSent = Array(repeating: 0, count: items.count)
        self.results = Array(repeating: nil, count: items.count)
        self.timeoutNanos = UInt64(max(1, settings.timeout.wholeNanoseconds))
        self.done = loop.makePromise()
    }

    /// Runs every item; the results are in item order.
    public func run() -> EventLoopFuture<[DNSRunResult]> {
        guard !items.isEmpty else { return loop.makeSucceededFuture([]) }
        let needV4 = addresses.contains { $0.protocol == .inet }, needV6 = addresses.contains { $0.protocol == .inet6 }
        let pool = DNSSocketPool.shared
        var opening: [EventLoopFuture<[DNSUDPSocket]>] = []
        if needV4 { opening.append(pool.sockets(on: loop, ipv6: false)) }
        if needV6 { opening.append(pool.sockets(on: loop, ipv6: true)) }
        EventLoopFuture.whenAllSucceed(opening, on: loop).whenComplete { result in
            switch result {
            case .failure(let error): self.done.fail(error)
            case .success(let groups):
                self.sockets = groups.flatMap { $0 }
                self.tickNanos = UInt64(max(2_000_000, min(self.timeoutNanos / 8, 50_000_000)))
                self.lastSweep = NIODeadline.now().uptimeNanoseconds
                let tick = TimeAmount.nanoseconds(Int64(self.tickNanos))
                self.sweeper = self.loop.scheduleRepeatedTask(initialDelay: tick, delay: tick) { _ in self.sweep() }
                self.pump()
            }
        }
        return done.futureResult
    }

    /// The resolvers found lying or given as distrusted.
    public var distrustedResolvers: Set<Int> { selector.distrusted }

    // MARK: sending

    private func pump() {
        pumpScheduled = false
        while true {
            let hasReady = !ready.isEmpty
            guard hasReady || (nextItem < items.count && inFlight < window.limit) else { break }
            let paceWait = takePaced()
            if paceWait > 0 {
                schedulePump(in: paceWait)
                break
            }
            let wait = limiter.take()
            if wait > 0 {
                schedulePump(in: wait)
                break
            }
            if hasReady, let next = ready.popFirst() {
                transmit(item: next.item, name: next.name, resolver: next.resolver)
            } else {
                let item = nextItem
                nextItem += 1
                inFlight += 1
                firstSent[item] = NIODeadline.now().uptimeNanoseconds
                if settings.delayMaxMillis > 0 {
                    let delay = Int64.random(in: Int64(settings.delayMinMillis)...Int64(settings.delayMaxMillis))
                    loop.scheduleTask(in: .milliseconds(delay)) { self.transmit(item: item, name: self.items[item].name, resolver: nil); self.flush() }
                } else {
                    transmit(item: item, name: items[item].name, resolver: nil)
                }
            }
        }
        flush()
    }

    /// Takes a token of the window's pace, or returns the nanoseconds to wait for one.
    private func takePaced() -> Int64 {
        let now = Int64(NIODeadline.now().uptimeNanoseconds)
        guard let pace = window.pace else { pacer = nil; return 0 }
        if pacer == nil || pacer!.rate != pace.rounded() {
            pacer = TokenBucket(rate: UInt32(pace.rounded()), burst: UInt32(max(1, pace / 50)), now: now)
        }
        return pacer!.take(now: now) ? 0 : max(1, pacer!.wait(now: now))
    }

    private func schedulePump(in nanos: Int64) {
        guard !pumpScheduled else { return }
        pumpScheduled = true
        loop.scheduleTask(in: .nanoseconds(nanos)) { self.pump() }
    }

    private func flush() { for socket in sockets { socket.flushIfNeeded() } }

    private func transmit(item: Int, name: String, resolver pinned: Int?) {
        let resolver: Int
        if let forced = pinned ?? items[item].pinnedResolver {
            resolver = forced
        } else {
            guard let chosen = selector.choose(excluding: states[item].tried, random: { Int.random(in: 0..<$0) }) else {
                finish(item, DNSResolution(outcome: .error, attempts: states[item].attempts, message: "no resolver"))
                return
            }
            resolver = chosen
        }
        let address = addresses[resolver]
        if viaTCP.contains(item), truncating.contains(resolver) {
            states[item].sent(to: resolver)
            askOverTCP(item: item, resolver: resolver, name: name)
            return
        }
        guard var query = DNSMessage.query(id: 0, name: name, type: items[item].type) else {
            finish(item, DNSResolution(outcome: .error, attempts: states[item].attempts, message: "'\(name)' cannot be asked (label or name too long)"))
            return
        }
        let candidates = sockets.indices.filter { (sockets[$0].channel.localAddress?.protocol ?? .inet) == address.protocol }
        guard !candidates.isEmpty else {
            finish(item, DNSResolution(outcome: .error, attempts: states[item].attempts, message: "no socket for the resolver's address family"))
            return
        }
        let socketIndex = candidates[nextSocket % candidates.count]
        nextSocket &+= 1
        serial += 1
        states[item].sent(to: resolver)
        guard let id = sockets[socketIndex].send(&query, to: address, sink: self, serial: serial) else {
            receive(item: item, .failure("too many queries in flight on one socket"), from: resolver)
            return
        }
        queriesSent += 1
        let deadline = NIODeadline.now().uptimeNanoseconds + timeoutNanos
        attempts[serial] = Attempt(item: item, resolver: resolver, name: name, socket: socketIndex, id: id, deadline: deadline)
        timeouts.append((deadline, serial))
    }

    // MARK: receiving

    func deliver(serial: Int, response: DNSResponse, from sender: SocketAddress) -> Bool {
        guard let attempt = attempts[serial], sender == addresses[attempt.resolver],
              response.answersQuestion(name: attempt.name, type: items[attempt.item].type) else { return false }
        attempts[serial] = nil
        window.answered(now: Int64(NIODeadline.now().uptimeNanoseconds))
        selector.recordAnswer(attempt.resolver)
        if response.truncated {
            truncating.insert(attempt.resolver)
            askOverTCP(item: attempt.item, resolver: attempt.resolver, name: attempt.name)
        } else {
            let (outcome, chain, target) = response.interpret(name: attempt.name, type: items[attempt.item].type)
            receive(item: attempt.item, .response(outcome, chain: chain, target: target), from: attempt.resolver)
            pump()
        }
        return true
    }

    private func askOverTCP(item: Int, resolver: Int, name: String) {
        guard tcpInFlight < Self.maxTCPInFlight else {
            tcpWaiting.append((item, resolver, name))
            return
        }
        tcpInFlight += 1
        let attempt = (item: item, resolver: resolver, name: name)
        guard let query = DNSMessage.query(id: UInt16.random(in: 0...UInt16.max), name: name, type: items[item].type) else {
            tcpInFlight -= 1
            receive(item: item, .failure("'\(name)' cannot be asked (label or name too long)"), from: resolver)
            return
        }
        let id = UInt16(query[0]) << 8 | UInt16(query[1])
        queriesSent += 1
        DNSTCPQuery.send(query, to: addresses[attempt.resolver], on: loop, timeout: .nanoseconds(Int64(timeoutNanos)))
            .whenComplete { result in
                let reply: DNSReply
                switch result {
                case .success(let bytes):
                    if let response = try? DNSMessage.parseResponse(bytes), response.id == id,
                       response.answersQuestion(name: attempt.name, type: self.items[attempt.item].type) {
                        let (outcome, chain, target) = response.interpret(name: attempt.name, type: self.items[attempt.item].type)
                        reply = .response(outcome, chain: chain, target: target)
                    } else {
                        reply = .failure("malformed or mismatched TCP answer")
                    }
                case .failure(let error as DNSTCPQuery.Failure) where error.description.hasPrefix("no answer"):
                    reply = .timeout
                case .failure(let error):
                    reply = .failure("\(error)")
                }
                self.tcpInFlight -= 1
                if let waiting = self.tcpWaiting.popFirst() {
                    self.askOverTCP(item: waiting.item, resolver: waiting.resolver, name: waiting.name)
                }
                self.receive(item: attempt.item, reply, from: attempt.resolver)
                self.pump()
            }
    }

    private func sweep() {
        let now = NIODeadline.now().uptimeNanoseconds
        // A late sweep means the event loop was busy: replies may be waiting in the socket. Read them first
        // (the next sweep comes after them), so that a busy machine does not turn answers into timeouts.
        defer { lastSweep = now }
        if now - lastSweep > 3 * tickNanos, !deferredSweep {  // once in a row at most: a loop busy for good still times out
            deferredSweep = true
            return
        }
        deferredSweep = false
        var expired = false
        while let first = timeouts.first, first.deadline <= now {
            timeouts.removeFirst()
            guard let attempt = attempts.removeValue(forKey: first.serial) else { continue }  // answered in time
            sockets[attempt.socket].forget(attempt.id, serial: first.serial)
            // A resolver that is down (no answer to its last queries) is skipped from now on: its silence says
            // nothing about how much the others can take, so it does not shrink the window.
            if !selector.isDown(attempt.resolver) { window.timedOut(now: Int64(now)) }
            selector.recordTimeout(attempt.resolver)
            if truncating.contains(attempt.resolver) { viaTCP.insert(attempt.item) }
            receive(item: attempt.item, .timeout, from: attempt.resolver)
            expired = true
        }
        if expired { pump() }
    }

    private func receive(item: Int, _ reply: DNSReply, from resolver: Int) {
        let untriedLeft = items[item].pinnedResolver == nil && selector.trusted.contains { !states[item].tried.contains($0) }
        switch states[item].receive(reply, from: resolver, untriedLeft: untriedLeft) {
        case .ask(let name, let resolver):
            ready.append((item, name, resolver))
        case .finish(let resolution):
            finish(item, resolution)
        }
    }

    private func finish(_ item: Int, _ resolution: DNSResolution) {
        guard results[item] == nil else { return }
        let elapsed = firstSent[item] == 0 ? 0 : (NIODeadline.now().uptimeNanoseconds - firstSent[item]) / 1_000_000
        results[item] = DNSRunResult(resolution: resolution, elapsedMillis: Int(elapsed))
        inFlight -= 1
        finished += 1
        if finished == items.count {
            sweeper?.cancel()
            for (serial, attempt) in attempts { sockets[attempt.socket].forget(attempt.id, serial: serial) }
            attempts.removeAll()
            done.succeed(results.map { $0! })
        }
    }
}

/// A run that cannot start (bad settings).
public struct DNSRunError: Error, CustomStringConvertible {
    public let description: String
}
