import CZlib

/// Undoes a response body's gzip or deflate content coding with zlib (the format told from the stream's own
/// header, as NIO's decompressor does), keeping at most `limit` decoded bytes: so limits and scoring see the text.
enum ContentDecoding {
    /// The codings undone; any other body is kept as it came.
    static func isDecoded(_ contentEncoding: String?) -> Bool {
        guard let coding = contentEncoding?.lowercased().filter({ $0 != " " && $0 != "\t" }) else { return false }
        return coding == "gzip" || coding == "x-gzip" || coding == "deflate"
    }

    /// The decoded bytes (`truncated`: more than `limit`, or a stream cut short), or nil when the data is not a
    /// valid stream.
    static func inflate(_ input: [UInt8], limit: Int) -> (bytes: [UInt8], truncated: Bool)? {
        var stream = z_stream()
        // 15: the largest window; +32: zlib or gzip, detected from the header.
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        return input.withUnsafeBufferPointer { source -> (bytes: [UInt8], truncated: Bool)? in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = UInt32(source.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { target -> (Int32, Int) in
                    stream.next_out = target.baseAddress
                    stream.avail_out = UInt32(target.count)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return (status, target.count - Int(stream.avail_out))
                }
                let room = limit - output.count
                if produced > room {
                    output += chunk[..<room]
                    return (output, true)
                }
                output += chunk[..<produced]
                switch status {
                case Z_STREAM_END: return (output, false)
                case Z_OK: continue
                case Z_BUF_ERROR: return (output, true)  // the input ended before the stream did
                default: return nil
                }
            }
        }
    }
}
