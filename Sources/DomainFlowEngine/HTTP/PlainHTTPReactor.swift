import CLinuxEvents
import DomainFlowCore
import Foundation
import Glibc
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// Plain HTTP/1.1 fetches to an address (no TLS, no proxy: the bulk of a campaign's `http://` requests) on a
/// thread per core, each with its own epoll and a non-blocking socket per fetch, as wrk and massdns do: connect, one write,
/// reads until the response is whole. A NIO channel per fetch cost 4-5 times the CPU (a bootstrap's future
/// chain, a pipeline, 24 system calls where this makes 8, and hops between the caller's thread and the loop),
/// and so did NIO's HTTP/1 codec on an embedded channel: the response is read by `HTTP1ResponseParser` and its
/// gzip / deflate coding undone by `ContentDecoding`, with the limits the channel's path has. As in
/// `HTTPFetcher`, the server closes first after a whole response (its TIME_WAIT, not our ephemeral port), and a
/// server that keeps the connection open is closed on after `HTTPFetcher.closeGrace`.
final class PlainHTTPReactor: @unchecked Sendable {
    /// One reactor per core; fetches go round the reactors.
    private static let reactors = (0..<max(1, System.coreCount)).compactMap { PlainHTTPReactor(index: $0) }
    private static let turn = NIOLockedValueBox(0)

    /// The reactor for the next fetch; nil when none could be made (no epoll or eventfd: fetches go through NIO).
    static func next() -> PlainHTTPReactor? {
        guard !reactors.isEmpty else { return nil }
        return reactors[turn.withLockedValue { value in
            value = (value + 1) % reactors.count
            return value
        }]
    }

    typealias Outcome = Result<CollectedResponse, HTTPFetchError>

    private struct Job: Sendable {
        let address: SocketAddress
        let head: HTTPRequestHead
        let maxBodyBytes: Int
        let timeoutNanos: UInt64
        let done: CheckedContinuation<Outcome, Never>
    }

    /// One fetch in progress (the reactor's thread only).
    private final class Exchange {
        enum Phase { case connecting, sending, receiving, lingering }
        let fd: Int32
        var parser: HTTP1ResponseParser
        var unsent: ArraySlice<UInt8>
        var phase: Phase = .connecting
        var deadline: UInt64
        var done: CheckedContinuation<Outcome, Never>?

        init(fd: Int32, request: [UInt8], maxBodyBytes: Int, deadline: UInt64, done: CheckedContinuation<Outcome, Never>) {
            self.fd = fd
            self.parser = HTTP1ResponseParser(maxBodyBytes: maxBodyBytes)
            self.unsent = request[...]
            self.deadline = deadline
            self.done = done
        }

        func finish(_ outcome: Outcome) {
            done?.resume(returning: outcome)
            done = nil
        }
    }

    private let epoll: Int32
    private let wakeFD: Int32
    private let queue = NIOLockedValueBox<[Job]>([])
    // The reactor's thread only:
    private var exchanges: [Int32: Exchange] = [:]
    /// No exchange's deadline is before this (it may be earlier than all of them: one that ended early): the
    /// exchanges are looked through only when it passes, not on every turn of the loop.
    private var earliestDeadline = UInt64.max

    private init?(index: Int) {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(fd: wakeFD))
        guard epoll >= 0, wakeFD >= 0, epoll_ctl(epoll, EPOLL_CTL_ADD, wakeFD, &event) == 0 else {
            if epoll >= 0 { close(epoll) }
            if wakeFD >= 0 { close(wakeFD) }
            return nil
        }
        let thread = Thread { [self] in
            // The kernel's name of the thread (what perf and top show); Foundation's `Thread.name` does not set it here.
            _ = domainflow_name_this_thread("df-http-\(index)")  // 15 bytes at most
            run()
        }
        thread.start()
    }

    /// Sends `head` to `address` and reads the response (at most `maxBodyBytes` of its body), all within `timeout`.
    func exchange(to address: SocketAddress, head: HTTPRequestHead, maxBodyBytes: Int, timeout: Duration) async -> Outcome {
        let nanos = UInt64(max(0, timeout.wholeNanoseconds))
        return await withCheckedContinuation { done in
            let job = Job(address: address, head: head, maxBodyBytes: maxBodyBytes, timeoutNanos: nanos, done: done)
            let first = queue.withLockedValue { jobs in
                jobs.append(job)
                return jobs.count == 1
            }
            // One wake-up per batch of submissions: the thread takes the whole queue after reading the eventfd.
            if first { _ = eventfd_write(wakeFD, 1) }
        }
    }

    // MARK: the reactor's thread

    private func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let ready = epoll_wait(epoll, &events, Int32(events.count), timeoutMillis())
            if ready > 0 {
                for index in 0..<Int(ready) {
                    let fd = events[index].data.fd
                    if fd == wakeFD {
                        var value: eventfd_t = 0
                        _ = eventfd_read(wakeFD, &value)
                        let jobs = queue.withLockedValue { queued in
                            defer { queued = [] }
                            return queued
                        }
                        for job in jobs { start(job, buffer: &buffer) }
                    } else if let exchange = exchanges[fd] {
                        advance(exchange, buffer: &buffer)
                    }
                }
            }
            if Self.now() >= earliestDeadline { expire() }
        }
    }

    private func start(_ job: Job, buffer: inout [UInt8]) {
        let deadline = Self.now() &+ job.timeoutNanos
        guard let request = Self.encode(job.head) else {
            job.done.resume(returning: .failure(HTTPFetchError(.protocolError, "a request header holds a line break or a NUL")))
            return
        }
        let family = job.address.protocol.rawValue
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            job.done.resume(returning: .failure(HTTPFetchError(systemError: errno)))
            return
        }
        let connected = job.address.withSockAddr { address, size in Glibc.connect(fd, address, socklen_t(size)) }
        guard connected == 0 || errno == EINPROGRESS else {
            let error = errno
            close(fd)
            job.done.resume(returning: .failure(HTTPFetchError(systemError: error)))
            return
        }
        let exchange = Exchange(fd: fd, request: request, maxBodyBytes: job.maxBodyBytes, deadline: deadline, done: job.done)
        // Edge-triggered, for both directions at once: one registration per fetch, none changed afterwards.
        var event = epoll_event(events: EPOLLIN.rawValue | EPOLLOUT.rawValue | EPOLLET.rawValue, data: epoll_data_t(fd: fd))
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) == 0 else {
            let error = errno
            close(fd)
            job.done.resume(returning: .failure(HTTPFetchError(systemError: error)))
            return
        }
        exchanges[fd] = exchange
        earliestDeadline = min(earliestDeadline, deadline)
        if connected == 0 {
            exchange.phase = .sending
            advance(exchange, buffer: &buffer)
        }
    }

    /// Takes the exchange as far as its socket lets it.
    private func advance(_ exchange: Exchange, buffer: inout [UInt8]) {
        if exchange.phase == .connecting {
            var error: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(exchange.fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0 else { return end(exchange, .failure(HTTPFetchError(systemError: errno))) }
            if error == EINPROGRESS { return }
            guard error == 0 else { return end(exchange, .failure(HTTPFetchError(systemError: error))) }
            exchange.phase = .sending
        }
        if exchange.phase == .sending {
            while !exchange.unsent.isEmpty {
                let written = exchange.unsent.withUnsafeBytes { Glibc.write(exchange.fd, $0.baseAddress, $0.count) }
                if written < 0 {
                    if errno == EAGAIN || errno == EWOULDBLOCK { return }  // the next edge says when it takes more
                    if errno == EINTR { continue }
                    return end(exchange, .failure(HTTPFetchError(systemError: errno)))
                }
                exchange.unsent = exchange.unsent.dropFirst(written)
            }
            exchange.phase = .receiving
        }
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(exchange.fd, $0.baseAddress, $0.count) }
            if count > 0 {
                guard exchange.phase == .receiving else { continue }  // lingering: what follows a whole response is dropped
                let progress: Result<HTTP1ResponseParser.Progress, HTTP1ResponseParser.ParseError> = buffer.withUnsafeBytes { bytes in
                    Result { () throws(HTTP1ResponseParser.ParseError) in try exchange.parser.feed(UnsafeRawBufferPointer(rebasing: bytes[..<count])) }
                }
                switch progress {
                case .failure(let error): return end(exchange, .failure(HTTPFetchError(invalidResponse: error.description)))
                case .success(.needMore): continue
                case .success(.complete):
                    let outcome = Self.collected(exchange.parser)
                    guard case .success(let response) = outcome, !response.truncated else { return end(exchange, outcome) }  // read no more
                    exchange.finish(outcome)
                    exchange.phase = .lingering  // for the server's close, or the grace's end
                    exchange.deadline = Self.now() &+ UInt64(HTTPFetcher.closeGrace.nanoseconds)
                    earliestDeadline = min(earliestDeadline, exchange.deadline)
                }
            } else if count == 0 {
                guard exchange.phase == .receiving else { return end(exchange, nil) }  // the server closed first, as it should
                switch Result(catching: { () throws(HTTP1ResponseParser.ParseError) in try exchange.parser.closed() }) {
                case .success: return end(exchange, Self.collected(exchange.parser))
                case .failure(let error): return end(exchange, .failure(HTTPFetchError(.protocolError, error.description)))
                }
            } else {
                if errno == EAGAIN || errno == EWOULDBLOCK { return }
                if errno == EINTR { continue }
                return end(exchange, .failure(HTTPFetchError(systemError: errno)))
            }
        }
    }

    /// The parsed response as the channel's path collects it: its head, and its body with the content coding undone.
    private static func collected(_ parser: HTTP1ResponseParser) -> Outcome {
        guard let parsed = parser.head else { return .failure(HTTPFetchError(.protocolError, "no response")) }
        let head = HTTPResponseHead(version: HTTPVersion(major: parsed.major, minor: parsed.minor),
                                    status: HTTPResponseStatus(statusCode: parsed.status, reasonPhrase: parsed.reason),
                                    headers: HTTPHeaders(parsed.headers.map { ($0.name, $0.value) }))
        let coding = parsed.first("content-encoding")
        guard ContentDecoding.isDecoded(coding) else {
            return .success(CollectedResponse(head: head, body: parser.body, truncated: parser.truncated))
        }
        guard let decoded = ContentDecoding.inflate(parser.body, limit: parser.maxBodyBytes) else {
            return .failure(HTTPFetchError(.protocolError, "the body is not valid \(coding ?? "")"))
        }
        return .success(CollectedResponse(head: head, body: decoded.bytes, truncated: decoded.truncated || parser.truncated))
    }

    /// The request's bytes (nil when a header would break its line), written straight into them.
    private static func encode(_ head: HTTPRequestHead) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        bytes += head.method.rawValue.utf8
        bytes.append(UInt8(ascii: " "))
        bytes += head.uri.utf8
        bytes += " HTTP/1.1\r\n".utf8
        for (name, value) in head.headers {
            let start = bytes.count
            bytes += name.utf8
            bytes += ": ".utf8
            bytes += value.utf8
            guard !bytes[start...].contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) else { return nil }
            bytes += "\r\n".utf8
        }
        bytes += "\r\n".utf8
        return bytes
    }

    /// Closes the exchange's socket, answering its caller with `outcome` if it was not answered yet.
    private func end(_ exchange: Exchange, _ outcome: Outcome?) {
        if let outcome { exchange.finish(outcome) }
        exchanges[exchange.fd] = nil
        close(exchange.fd)  // leaves the epoll set with it
    }

    /// Ends the exchanges whose time is up, and finds the next deadline.
    private func expire() {
        let now = Self.now()
        earliestDeadline = .max
        for exchange in exchanges.values {
            guard exchange.deadline <= now else {
                earliestDeadline = min(earliestDeadline, exchange.deadline)
                continue
            }
            let message = exchange.phase == .connecting ? "connecting took longer than the timeout" : "no complete response within the timeout"
            end(exchange, .failure(HTTPFetchError(.timeout, message)))
        }
    }

    /// Until the earliest deadline (-1: none).
    private func timeoutMillis() -> Int32 {
        guard earliestDeadline != .max else { return -1 }
        let now = Self.now()
        return earliestDeadline <= now ? 0 : Int32(min((earliestDeadline - now + 999_999) / 1_000_000, 60_000))
    }

    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
