import DomainFlowCore
import Testing

@Suite struct HTTP1ResponseParserTests {
    /// Feeds `text` in pieces of `step` bytes (0: at once); the progress after the last piece.
    private func parse(_ text: String, step: Int = 0, limit: Int = 1 << 20, close: Bool = false) throws -> (HTTP1ResponseParser, HTTP1ResponseParser.Progress) {
        var parser = HTTP1ResponseParser(maxBodyBytes: limit)
        let bytes = Array(text.utf8)
        var progress = HTTP1ResponseParser.Progress.needMore
        var index = 0
        while index < bytes.count, progress == .needMore {
            let end = step == 0 ? bytes.count : min(bytes.count, index + step)
            progress = try bytes[index..<end].withUnsafeBytes { try parser.feed($0) }
            index = end
        }
        if close, progress == .needMore { progress = try parser.closed() }
        return (parser, progress)
    }

    @Test func aContentLengthBodyIsWholeAtItsLengthHoweverTheBytesArrive() throws {
        let response = "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 11\r\nX-Empty:\r\n\r\nhello worldEXTRA"
        for step in [0, 1, 3, 7] {
            let (parser, progress) = try parse(response, step: step)
            #expect(progress == .complete)
            #expect(parser.head?.status == 200)
            #expect(parser.head?.reason == "OK")
            #expect(parser.head?.minor == 1)
            #expect(parser.head?.first("server") == "nginx")
            #expect(parser.head?.first("x-empty") == "")
            #expect(String(decoding: parser.body, as: UTF8.self) == "hello world", "step \(step)")
            #expect(!parser.truncated)
        }
    }

    @Test func aChunkedBodyIsJoinedWithExtensionsAndTrailersSkipped() throws {
        let response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5;name=x\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n"
        for step in [0, 1, 2, 5] {
            let (parser, progress) = try parse(response, step: step)
            #expect(progress == .complete)
            #expect(String(decoding: parser.body, as: UTF8.self) == "hello 0123456789", "step \(step)")
        }
    }

    @Test func aBodyWithoutLengthRunsToTheClose() throws {
        var (parser, progress) = try parse("HTTP/1.0 200 OK\r\n\r\nall of it", step: 4)
        #expect(progress == .needMore)
        #expect(try parser.closed() == .complete)
        #expect(String(decoding: parser.body, as: UTF8.self) == "all of it")
        #expect(parser.head?.minor == 0)
        (parser, progress) = try parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nraw", close: true)
        #expect(progress == .complete)
        #expect(parser.body == Array("raw".utf8), "a last coding other than chunked: the close ends the body")
    }

    @Test func interimResponsesAreSkippedAndSomeStatusesHaveNoBody() throws {
        let (parser, progress) = try parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n")
        #expect(progress == .complete)
        #expect(parser.head?.status == 204)
        #expect(parser.body.isEmpty)
        let (empty, whole) = try parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        #expect(whole == .complete)
        #expect(empty.body.isEmpty)
    }

    @Test func aBodyOverTheLimitIsCutThereAndReadNoFurther() throws {
        let (fixed, progress) = try parse("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + String(repeating: "a", count: 60), step: 9, limit: 10)
        #expect(progress == .complete)
        #expect(fixed.truncated)
        #expect(fixed.body.count == 10)
        let (chunked, done) = try parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n", limit: 12)
        #expect(done == .complete)
        #expect(chunked.truncated)
        #expect(String(decoding: chunked.body, as: UTF8.self) == "123456781234")
    }

    @Test func malformedResponsesAreErrorsThatSayWhy() {
        let cases: [(String, String)] = [
            ("SSH-2.0-OpenSSH\r\n\r\n", "HTTP/"),
            ("HTTP/1.1 20 OK\r\n\r\n", "status code"),
            ("HTTP/1.1 700 Odd\r\n\r\n", "status code"),
            ("HTTP/x.1 200 OK\r\n\r\n", "version"),
            ("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "no name"),
            ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "Content-Length"),
            ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "Content-Length"),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "hexadecimal"),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", "chunk does not end"),
        ]
        for (response, why) in cases {
            #expect(throws: HTTP1ResponseParser.ParseError.self, "\(response)") { _ = try parse(response) }
            do { _ = try parse(response) } catch { #expect("\(error)".contains(why), "\(response): \(error)") }
        }
    }

    @Test func aHeadThatNeverEndsIsRefusedAtItsLimit() {
        var parser = HTTP1ResponseParser(maxBodyBytes: 10, maxHeadBytes: 100)
        let line = Array("X-Filler: \(String(repeating: "x", count: 40))\r\n".utf8)
        #expect(throws: HTTP1ResponseParser.ParseError.self) {
            _ = try Array("HTTP/1.1 200 OK\r\n".utf8).withUnsafeBytes { try parser.feed($0) }
            for _ in 0..<10 { _ = try line.withUnsafeBytes { try parser.feed($0) } }
        }
    }

    @Test func aConnectionClosedTooEarlyIsAnError() throws {
        var nothing = HTTP1ResponseParser(maxBodyBytes: 10)
        #expect(throws: HTTP1ResponseParser.ParseError("the connection closed before a response arrived")) { _ = try nothing.closed() }
        var (short, _) = try parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
        #expect(throws: HTTP1ResponseParser.ParseError("the connection closed in the middle of the response")) { _ = try short.closed() }
    }
}
