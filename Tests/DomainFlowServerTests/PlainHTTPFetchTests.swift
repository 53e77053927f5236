import DomainFlowEngine
import Foundation
import Glibc
import Testing

/// Plain `http://` to an address goes without a NIO channel (`PlainHTTPReactor`, `HTTP1ResponseParser`): against
/// the tests' nginx, it must answer as the channel's path does: content codings undone, chunked bodies joined,
/// body limits kept, and every failure named.
@Suite struct PlainHTTPFetchTests {
    private static func fetch(_ path: String, headers: [HTTPField] = [], limit: Int = 1 << 20) async throws(HTTPFetchError) -> HTTPFetchResult {
        let url = URL(string: (try? TestHTTPServices.url(path)) ?? "http://127.0.0.1:1\(path)")!
        return try await HTTPFetcher.fetch(HTTPFetchRequest(url: url, headers: headers, timeout: .seconds(20), maxBodyBytes: limit))
    }

    @Test func aGzipBodyIsDecodedAndLimitedAfterDecoding() async throws {
        let identity = try await Self.fetch("/big.html")
        #expect(identity.status == 200 && identity.body.count == 300_000 && identity.header("content-encoding") == nil)
        let gzip = try await Self.fetch("/big.html", headers: [HTTPField("Accept-Encoding", "gzip")])
        #expect(gzip.header("content-encoding") == "gzip", "nginx compressed it (chunked: no length)")
        #expect(gzip.body == identity.body, "decoded to the same 300000 bytes")
        #expect(!gzip.truncated && gzip.httpVersion == "HTTP/1.1")
        let limited = try await Self.fetch("/big.html", headers: [HTTPField("Accept-Encoding", "gzip")], limit: 1000)
        #expect(limited.truncated && limited.body == Array(repeating: UInt8(ascii: "x"), count: 1000))
    }

    @Test func anIdentityBodyOverTheLimitIsCutAndTheRestNotRead() async throws {
        let result = try await Self.fetch("/big.html", limit: 4096)
        #expect(result.truncated && result.body.count == 4096 && result.status == 200)
        let small = try await Self.fetch("/teapot")
        #expect(small.status == 418 && !small.truncated)
        #expect(String(decoding: small.body, as: UTF8.self) == "short and stout\n")
    }

    @Test func headersGoOutInOrderAndALineBreakInOneIsRefused() async throws {
        let echoed = try await Self.fetch("/echo", headers: [HTTPField("User-Agent", "DomainFlow-plain/1.0")])
        #expect(echoed.header("x-echo-user-agent") == "DomainFlow-plain/1.0")
        await #expect(throws: HTTPFetchError.self) {
            _ = try await Self.fetch("/echo", headers: [HTTPField("X-Bad", "a\r\nInjected: yes")])
        }
    }

    @Test func aRefusedConnectionAndANonHTTPAnswerAreNamed() async throws {
        let (closedFD, closedPort) = try TestHTTPServices.loopbackListener()
        close(closedFD)  // nothing listens there now
        do {
            _ = try await HTTPFetcher.fetch(HTTPFetchRequest(url: URL(string: "http://127.0.0.1:\(closedPort)/")!, timeout: .seconds(5)))
            Issue.record("a closed port answered")
        } catch {
            #expect(error.kind == .connect && error.message.contains("refused"), "\(error)")
        }

        let (fd, port) = try TestHTTPServices.loopbackListener()
        let thread = Thread {
            defer { close(fd) }
            let client = accept(fd, nil, nil)
            guard client >= 0 else { return }
            let junk = Array("SSH-2.0-OpenSSH_9.2\r\n\r\n".utf8)
            _ = send(client, junk, junk.count, 0)
            close(client)
        }
        thread.start()
        do {
            _ = try await HTTPFetcher.fetch(HTTPFetchRequest(url: URL(string: "http://127.0.0.1:\(port)/")!, timeout: .seconds(5)))
            Issue.record("junk accepted as a response")
        } catch {
            #expect(error.kind == .protocolError && error.message.contains("not a valid HTTP response"), "\(error)")
        }
    }

    /// Serves one connection on loopback with `pieces`, each written on its own after a pause (so the fetcher reads
    /// them apart), then closes when `close`; returns the port.
    private static func serve(_ pieces: [String], close closeAfter: Bool) throws -> UInt32 {
        let (fd, port) = try TestHTTPServices.loopbackListener()
        Thread {
            defer { close(fd) }
            let client = accept(fd, nil, nil)
            guard client >= 0 else { return }
            var buffer = [UInt8](repeating: 0, count: 4096)
            _ = recv(client, &buffer, buffer.count, 0)
            for piece in pieces {
                let bytes = Array(piece.utf8)
                _ = send(client, bytes, bytes.count, 0)
                usleep(20_000)
            }
            if !closeAfter { _ = recv(client, &buffer, buffer.count, 0) }  // until the fetcher closes
            close(client)
        }.start()
        return port
    }

    @Test func aResponseInPiecesIsJoinedAndOneCutShortIsAnError() async throws {
        let chunked = try Self.serve(["HTTP/1.1 200 OK\r\nTransfer-", "Encoding: chunked\r\nContent-Type: text/html\r\n\r\n",
                                      "6\r\ncasi", "no\r\n2\r\n!!\r", "\n0\r\n\r\n"], close: false)
        let whole = try await HTTPFetcher.fetch(HTTPFetchRequest(url: URL(string: "http://127.0.0.1:\(chunked)/")!, timeout: .seconds(10)))
        #expect(whole.status == 200 && String(decoding: whole.body, as: UTF8.self) == "casino!!" && !whole.truncated)

        let cut = try Self.serve(["HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", "only some of it"], close: true)
        do {
            _ = try await HTTPFetcher.fetch(HTTPFetchRequest(url: URL(string: "http://127.0.0.1:\(cut)/")!, timeout: .seconds(10)))
            Issue.record("a body cut short was taken as whole")
        } catch {
            #expect(error.kind == .protocolError && error.message.contains("middle of the response"), "\(error)")
        }

        let untilClose = try Self.serve(["HTTP/1.0 200 OK\r\n\r\n", "runs to ", "the close"], close: true)
        let closed = try await HTTPFetcher.fetch(HTTPFetchRequest(url: URL(string: "http://127.0.0.1:\(untilClose)/")!, timeout: .seconds(10)))
        #expect(String(decoding: closed.body, as: UTF8.self) == "runs to the close" && closed.httpVersion == "HTTP/1.0")
    }

    @Test func aServerThatNeverAnswersRunsIntoTheTimeout() async throws {
        let (fd, port) = try TestHTTPServices.silentListener()
        defer { close(fd) }
        // The listener never accepts nor closes: without the deadline this fetch would never end. (No bound on the
        // wall clock: on a loaded machine the task may wait for a thread long after its deadline fired.)
        do {
            _ = try await HTTPFetcher.fetch(HTTPFetchRequest(url: URL(string: "http://127.0.0.1:\(port)/")!, timeout: .milliseconds(300)))
            Issue.record("a silent server answered")
        } catch {
            #expect(error.kind == .timeout && error.message == "no complete response within the timeout", "\(error)")
        }
    }
}
