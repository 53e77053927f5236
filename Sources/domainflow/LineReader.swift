import Foundation

/// The lines of a file or of standard input ("-"), read 64 KiB at a time: memory stays flat however long
/// the file. A final line without a newline counts; "\r\n" endings are accepted.
struct LineReader: AsyncSequence, Sendable {
    typealias Element = String
    let path: String

    struct AsyncIterator: AsyncIteratorProtocol {
        let fd: Int32
        var buffer: [UInt8] = []
        var start = 0
        var atEnd = false

        mutating func next() async throws -> String? {
            while true {
                if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                    var end = newline
                    if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                    let line = String(decoding: buffer[start..<end], as: UTF8.self)
                    start = newline + 1
                    return line
                }
                if atEnd {
                    guard start < buffer.count else { if fd != 0 { close(fd) }; return nil }
                    let line = String(decoding: buffer[start...], as: UTF8.self)
                    start = buffer.count
                    return line
                }
                buffer.removeFirst(start)
                start = 0
                var chunk = [UInt8](repeating: 0, count: 1 << 16)
                let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 { throw CLIError("read failed: \(String(cString: strerror(errno)))") }
                if count == 0 { atEnd = true } else { buffer += chunk[0..<count] }
            }
        }
    }

    /// Opens the file now, so that a missing one is an error before anything is sent.
    func makeIterator() throws -> AsyncIterator {
        if path == "-" { return AsyncIterator(fd: 0) }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CLIError("cannot read \(path): \(String(cString: strerror(errno)))") }
        return AsyncIterator(fd: fd)
    }

    func makeAsyncIterator() -> AsyncIterator {
        (try? makeIterator()) ?? AsyncIterator(fd: -1, atEnd: true)
    }
}
