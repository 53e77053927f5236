/// An HTTP/1.x response read incrementally from the bytes of a connection: the status line and headers, then
/// a body framed by `Transfer-Encoding: chunked`, `Content-Length` or the connection's close (RFC 9112 §6.3),
/// keeping at most `maxBodyBytes` of it. Interim (1xx) responses are skipped. Pure: the caller moves the bytes.
public struct HTTP1ResponseParser: Sendable {
    public struct Head: Sendable {
        public var major: Int
        public var minor: Int
        public var status: Int
        public var reason: String
        public var headers: [(name: String, value: String)]

        /// The first value of header `name` (case-insensitive).
        public func first(_ name: String) -> String? {
            headers.first { ASCIISearch.equalsIgnoringCase($0.name, name) }?.value
        }
    }

    public enum Progress: Sendable, Equatable {
        /// More bytes are needed.
        case needMore
        /// The response is whole, or its body reached the limit (`truncated`): read no more.
        case complete
    }

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    private enum State: Sendable {
        case head
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        case done
    }

    public let maxBodyBytes: Int
    public let maxHeadBytes: Int
    public private(set) var head: Head?
    /// The body as framed (chunks joined), before any content coding is undone.
    public private(set) var body: [UInt8] = []
    /// The body went past `maxBodyBytes`; `body` holds its first `maxBodyBytes`.
    public private(set) var truncated = false
    private var state = State.head
    /// Bytes of a line or a head not yet complete.
    private var pending: [UInt8] = []

    public init(maxBodyBytes: Int, maxHeadBytes: Int = 64 * 1024) {
        self.maxBodyBytes = maxBodyBytes
        self.maxHeadBytes = maxHeadBytes
    }

    /// Takes the next bytes of the connection.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) throws(ParseError) -> Progress {
        var input = bytes[...]
        while !input.isEmpty {
            switch state {
            case .done:
                return .complete  // what follows a whole response is not ours to read
            case .head:
                guard let headBytes = try takeLine(from: &input, until: Self.headEnd, limit: maxHeadBytes, what: "response head") else {
                    continue
                }
                try parseHead(headBytes)
            case .chunkSize:
                guard let line = try takeLine(from: &input, until: Self.lineEnd, limit: 1024, what: "chunk size line") else { continue }
                let digits = line.prefix { $0 != UInt8(ascii: ";") }.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
                guard !digits.isEmpty, digits.count <= 15, let size = Int(String(decoding: digits, as: UTF8.self), radix: 16) else {
                    throw ParseError("a chunk size is not a hexadecimal number")
                }
                state = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let count = min(remaining, input.count)
                if append(input.prefix(count)) { return .complete }
                input = input.dropFirst(count)
                state = remaining == count ? .chunkDataEnd : .chunkData(remaining: remaining - count)
            case .chunkDataEnd:
                guard let line = try takeLine(from: &input, until: Self.lineEnd, limit: 2, what: "chunk end") else { continue }
                guard line.isEmpty else { throw ParseError("a chunk does not end where its size says") }
                state = .chunkSize
            case .trailers:
                guard let line = try takeLine(from: &input, until: Self.lineEnd, limit: maxHeadBytes, what: "trailer") else { continue }
                if line.isEmpty { state = .done; return .complete }
            case .fixed(let remaining):
                let count = min(remaining, input.count)
                if append(input.prefix(count)) { return .complete }
                input = input.dropFirst(count)
                state = .fixed(remaining: remaining - count)
                if remaining == count { state = .done; return .complete }
            case .untilClose:
                if append(input) { return .complete }
                input = input[input.endIndex...]
            }
        }
        if case .done = state { return .complete }
        return .needMore
    }

    /// The connection closed: whole if the body runs to the close (or the response was whole already).
    public mutating func closed() throws(ParseError) -> Progress {
        switch state {
        case .done: return .complete
        case .untilClose:
            state = .done
            return .complete
        case .head:
            throw ParseError(pending.isEmpty ? "the connection closed before a response arrived" : "the connection closed in the response's head")
        default:
            if truncated { return .complete }
            throw ParseError("the connection closed in the middle of the response")
        }
    }

    // MARK: parts

    private static let lineEnd: [UInt8] = [13, 10]
    private static let headEnd: [UInt8] = [13, 10, 13, 10]

    /// Bytes up to `terminator` (not included), joined to what earlier calls left in `pending`; nil when the
    /// terminator has not come yet (the bytes wait in `pending`). Longer than `limit`: an error.
    private mutating func takeLine(from input: inout Slice<UnsafeRawBufferPointer>, until terminator: [UInt8], limit: Int,
                                   what: String) throws(ParseError) -> [UInt8]? {
        if pending.isEmpty, let end = Self.find(terminator, in: input) {
            let line = Array(input[..<end])
            input = input[(end + terminator.count)...]
            return line
        }
        // Only where a terminator could end: the tail of `pending` and the new input.
        let start = max(0, pending.count - (terminator.count - 1))
        let before = pending.count
        pending.append(contentsOf: input)
        guard let end = pending.withUnsafeBytes({ Self.find(terminator, in: $0[start...]) }) else {
            input = input[input.endIndex...]
            if pending.count > limit + terminator.count { throw ParseError("the \(what) is longer than \(limit) bytes") }
            return nil
        }
        let line = Array(pending[..<end])
        input = input.dropFirst(end + terminator.count - before)
        pending = []
        return line
    }

    /// Where `needle` starts in `haystack` (an index of `haystack`'s base), or nil.
    private static func find(_ needle: [UInt8], in haystack: Slice<UnsafeRawBufferPointer>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while index <= last {
            if haystack[index] == needle[0] {
                var offset = 1
                while offset < needle.count, haystack[index + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return index }
            }
            index += 1
        }
        return nil
    }

    private mutating func parseHead(_ bytes: [UInt8]) throws(ParseError) {
        try bytes.withUnsafeBufferPointer { (head: UnsafeBufferPointer<UInt8>) throws(ParseError) in
            // Lines end in CRLF (a bare LF is taken too); the head's last CRLF was cut off by the caller.
            var lineStart = 0
            func nextLine() -> Range<Int>? {
                guard lineStart <= head.count else { return nil }
                var end = lineStart
                while end < head.count, head[end] != 10 { end += 1 }
                let line = lineStart..<(end > lineStart && head[end - 1] == 13 ? end - 1 : end)
                lineStart = end + 1
                return line
            }
            guard let statusLine = nextLine() else { throw ParseError("an empty status line") }
            let parsed = try Self.statusLine(UnsafeBufferPointer(rebasing: head[statusLine]))
            if (100...199).contains(parsed.status) { return }  // an interim response: the real one follows
            var headers: [(name: String, value: String)] = []
            var chunked: Bool?  // the last Transfer-Encoding's last coding is chunked
            var length: Int?
            while let line = nextLine() {
                guard !line.isEmpty else { continue }
                var colon = line.lowerBound
                while colon < line.upperBound, head[colon] != UInt8(ascii: ":") { colon += 1 }
                guard colon < line.upperBound, colon > line.lowerBound else {
                    throw ParseError("a header line has no name: \(Self.printable(head[line]))")
                }
                var valueStart = colon + 1, valueEnd = line.upperBound
                while valueStart < valueEnd, head[valueStart] == 32 || head[valueStart] == 9 { valueStart += 1 }
                while valueEnd > valueStart, head[valueEnd - 1] == 32 || head[valueEnd - 1] == 9 { valueEnd -= 1 }
                let name = UnsafeBufferPointer(rebasing: head[line.lowerBound..<colon])
                let value = UnsafeBufferPointer(rebasing: head[valueStart..<valueEnd])
                guard !name.contains(where: { $0 == 32 || $0 == 9 }) else { throw ParseError("a header name holds white space") }
                if ASCIISearch.equalsIgnoringCase(name, "transfer-encoding".utf8) {
                    var last = value.count
                    while last > 0, value[last - 1] != UInt8(ascii: ",") { last -= 1 }
                    let coding = UnsafeBufferPointer(rebasing: value[last...]).filter { $0 != 32 && $0 != 9 }
                    chunked = coding.withUnsafeBufferPointer { ASCIISearch.equalsIgnoringCase($0, "chunked".utf8) }
                } else if ASCIISearch.equalsIgnoringCase(name, "content-length".utf8) {
                    guard !value.isEmpty, value.count <= 18, value.allSatisfy(Self.isDigit),
                          let number = Int(String(decoding: value, as: UTF8.self)), length == nil || length == number else {
                        throw ParseError("the Content-Length is not one number: \(Self.printable(head[line]))")
                    }
                    length = number
                }
                headers.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
            }
            self.head = Head(major: parsed.major, minor: parsed.minor, status: parsed.status, reason: parsed.reason, headers: headers)
            if parsed.status == 204 || parsed.status == 304 {
                state = .done
            } else if let chunked {
                state = chunked ? .chunkSize : .untilClose  // any other last coding runs to the close
            } else if let length {
                state = length == 0 ? .done : .fixed(remaining: length)
            } else {
                state = .untilClose
            }
        }
    }

    /// `HTTP/1.1 200 OK`
    private static func statusLine(_ line: UnsafeBufferPointer<UInt8>) throws(ParseError) -> (major: Int, minor: Int, status: Int, reason: String) {
        guard line.count >= 12, line.starts(with: "HTTP/".utf8) else {
            throw ParseError("the status line does not start with HTTP/: \(printable(line[...]))")
        }
        guard line[6] == UInt8(ascii: "."), isDigit(line[5]), isDigit(line[7]) else {
            throw ParseError("the status line has no HTTP version: \(printable(line[...]))")
        }
        guard line[8] == UInt8(ascii: " ") else { throw ParseError("the status line has no status code") }
        guard isDigit(line[9]), isDigit(line[10]), isDigit(line[11]), line.count == 12 || line[12] == UInt8(ascii: " ") else {
            throw ParseError("the status code is not a number from 100 to 599: \(printable(line[...]))")
        }
        let status = Int(line[9] - 48) * 100 + Int(line[10] - 48) * 10 + Int(line[11] - 48)
        guard (100...599).contains(status) else {
            throw ParseError("the status code is not a number from 100 to 599: \(printable(line[...]))")
        }
        let reason = line.count > 13 ? String(decoding: UnsafeBufferPointer(rebasing: line[13...]), as: UTF8.self) : ""
        return (Int(line[5] - 48), Int(line[7] - 48), status, reason)
    }

    /// Adds body bytes up to the limit; true when the limit was reached (the rest is not read).
    private mutating func append(_ bytes: Slice<UnsafeRawBufferPointer>) -> Bool {
        let room = maxBodyBytes - body.count
        if bytes.count > room {
            body.append(contentsOf: bytes.prefix(room))
            truncated = true
            state = .done
            return true
        }
        body.append(contentsOf: bytes)
        return false
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    private static func printable<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        String(decoding: bytes.prefix(80).map { $0 >= 32 && $0 < 127 ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
    }
}
