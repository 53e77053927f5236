/// An HTTP/1.x response read incrementally from the bytes of a connection: the status line and headers, then
/// a body framed by `Transfer-Encoding: chunked`, `Content-Length` or the connection's close (RFC 9112 §6.3),
/// keeping at most `maxBodyBytes` of it. Interim (1xx) responses are skipped. Pure: the caller moves the bytes.
public struct HTTP1ResponseParser: Sendable {
    public struct Head: Sendable, Equatable {
        public var major: Int
        public var minor: Int
        public var status: Int
        public var reason: String
        public var headers: [(name: String, value: String)]

        /// The first value of header `name` (case-insensitive).
        public func first(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name }?.value
        }

        public static func == (a: Head, b: Head) -> Bool {
            a.major == b.major && a.minor == b.minor && a.status == b.status && a.reason == b.reason
                && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
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
        if case .fixed(0) = state { state = .done; return .complete }
        return truncated ? .complete : .needMore
    }

    /// The connection closed: whole if the body runs to the close (or the response was whole already).
    public mutating func closed() throws(ParseError) -> Progress {
        switch state {
        case .done: return .complete
        case .untilClose:
            state = .done
            return .complete
        case .head where head == nil:
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
        var lines = bytes.split(separator: 10, omittingEmptySubsequences: false).map { line in
            line.last == 13 ? line.dropLast() : line
        }
        guard !lines.isEmpty else { throw ParseError("an empty status line") }
        let statusLine = lines.removeFirst()
        // HTTP/1.1 200 OK
        guard statusLine.count >= 12, statusLine.starts(with: Array("HTTP/".utf8)) else {
            throw ParseError("the status line does not start with HTTP/: \(Self.printable(statusLine))")
        }
        let version = Array(statusLine.dropFirst(5).prefix(3))
        guard version.count == 3, version[1] == UInt8(ascii: "."), Self.isDigit(version[0]), Self.isDigit(version[2]) else {
            throw ParseError("the status line has no HTTP version: \(Self.printable(statusLine))")
        }
        let afterVersion = statusLine.dropFirst(8)
        guard afterVersion.first == UInt8(ascii: " ") else { throw ParseError("the status line has no status code") }
        let codeDigits = afterVersion.dropFirst().prefix(3)
        guard codeDigits.count == 3, codeDigits.allSatisfy(Self.isDigit),
              let code = Int(String(decoding: codeDigits, as: UTF8.self)), (100...599).contains(code) else {
            throw ParseError("the status code is not a number from 100 to 599: \(Self.printable(statusLine))")
        }
        let reason = String(decoding: afterVersion.dropFirst(4).drop { $0 == UInt8(ascii: " ") }, as: UTF8.self)
        var headers: [(name: String, value: String)] = []
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
                throw ParseError("a header line has no name: \(Self.printable(line))")
            }
            let name = line[..<colon]
            guard !name.contains(where: { $0 == 32 || $0 == 9 }) else { throw ParseError("a header name holds white space") }
            let value = line[line.index(after: colon)...].drop { $0 == 32 || $0 == 9 }
            let trimmed = value.reversed().drop { $0 == 32 || $0 == 9 }.reversed()
            headers.append((String(decoding: name, as: UTF8.self), String(decoding: trimmed, as: UTF8.self)))
        }
        let parsed = Head(major: Int(version[0] - 48), minor: Int(version[2] - 48), status: code, reason: reason, headers: headers)
        if (100...199).contains(code) { return }  // an interim response: the real one follows
        head = parsed
        let transferEncoding = headers.filter { $0.name.lowercased() == "transfer-encoding" }.map { $0.value.lowercased() }
        let lengths = Set(headers.filter { $0.name.lowercased() == "content-length" }.map(\.value))
        if code == 204 || code == 304 {
            state = .done
        } else if let last = transferEncoding.last {
            // Chunked only when it is the last coding; any other framing runs to the close.
            guard last.split(separator: ",").last?.filter({ $0 != " " && $0 != "\t" }) == "chunked" else { state = .untilClose; return }
            state = .chunkSize
        } else if !lengths.isEmpty {
            guard lengths.count == 1, let text = lengths.first, !text.isEmpty, text.utf8.allSatisfy(Self.isDigit),
                  text.utf8.count <= 18, let length = Int(text) else {
                throw ParseError("the Content-Length is not one number: \(lengths.sorted().joined(separator: ", "))")
            }
            state = length == 0 ? .done : .fixed(remaining: length)
        } else {
            state = .untilClose
        }
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

    private static func printable(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.prefix(80).map { $0 >= 32 && $0 < 127 ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
    }
}
