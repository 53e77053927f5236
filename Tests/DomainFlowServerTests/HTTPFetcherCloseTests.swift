import DomainFlowEngine
import Foundation
import Glibc
import Testing

/// Who closes an HTTP/1.1 connection after a whole response (`Connection: close`): the server, so that the
/// TIME_WAIT is the server's and not one of the fetcher's ephemeral ports (a run against a few shared addresses
/// would exhaust them); a server that keeps the connection open is closed on after a short grace.
@Suite struct HTTPFetcherCloseTests {
    /// Serves one response on loopback and keeps the connection open; returns the port, and the seconds between
    /// the response written and the client's close (nil when it did not close within 10 s).
    private static func serveOnceAndWait() throws -> (port: Int, path: String, closedAfter: () -> TimeInterval?) {
        let (fd, port) = try TestHTTPServices.loopbackListener()
        let closedAfter = ClosedAfter()
        let done = DispatchSemaphore(value: 0)
        let token = "/close-order-\(UUID().uuidString)"
        let thread = Thread {
            defer { close(fd) }
            defer { done.signal() }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            // Other tests' connections to a port they believed closed may land here: only ours is answered.
            while true {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }
                defer { close(client) }
                setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                var buffer = [UInt8](repeating: 0, count: 4096)
                var request: [UInt8] = []
                while !request.suffix(4).elementsEqual(Array("\r\n\r\n".utf8)) {
                    let n = recv(client, &buffer, buffer.count, 0)
                    guard n > 0 else { break }
                    request += buffer[..<n]
                }
                guard String(decoding: request, as: UTF8.self).hasPrefix("GET \(token) ") else { continue }
                let response = Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".utf8)
                _ = send(client, response, response.count, 0)
                let written = Date()
                if recv(client, &buffer, buffer.count, 0) == 0 { closedAfter.set(Date().timeIntervalSince(written)) }
                return
            }
        }
        thread.start()
        return (Int(port), token, {
            done.wait()
            return closedAfter.value
        })
    }

    private final class ClosedAfter: @unchecked Sendable {
        private let lock = NSLock()
        private var seconds: TimeInterval?
        func set(_ value: TimeInterval) { lock.lock(); seconds = value; lock.unlock() }
        var value: TimeInterval? { lock.lock(); defer { lock.unlock() }; return seconds }
    }

    @Test func theFetcherWaitsForTheServerToCloseThenClosesAfterAGrace() async throws {
        let (port, path, closedAfter) = try Self.serveOnceAndWait()
        let result = try await HTTPFetcher.fetch(HTTPFetchRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!, timeout: .seconds(30)))
        #expect(result.status == 200 && result.body == Array("ok".utf8))
        let after = closedAfter()
        #expect(after != nil, "the fetcher closed the connection the server left open")
        #expect((after ?? 0) >= 0.15, "the fetcher left the server time to close first: it closed after \(after ?? 0) s")
    }
}
