import NIOCore

/// Splits a byte stream into frames: a 4-byte big-endian length, then that many bytes.
///
/// The announced length is checked against the limit as soon as its 4 bytes are in,
/// before any of the payload is buffered, so an oversized frame never costs its size.
public struct FrameReader: Sendable {
    public let maxFrameBytes: Int

    public init(maxFrameBytes: Int = defaultMaxFrameBytes) {
        self.maxFrameBytes = maxFrameBytes
    }

    /// Takes the next whole frame's payload off `buffer`, or returns nil (consuming nothing)
    /// when it is not all there yet. Throws `WireError.frameTooLarge` for a length over the limit.
    public func nextFrame(from buffer: inout ByteBuffer) throws(WireError) -> ByteBuffer? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: UInt32.self) else {
            return nil
        }
        guard Int(length) <= maxFrameBytes else {
            throw .frameTooLarge(announced: Int(length), limit: maxFrameBytes)
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer.readSlice(length: Int(length))
    }
}

/// `FrameReader` as a NIO decoder: emits one `ByteBuffer` per frame payload.
public struct FrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer
    let reader: FrameReader

    public init(maxFrameBytes: Int = defaultMaxFrameBytes) {
        reader = FrameReader(maxFrameBytes: maxFrameBytes)
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try reader.nextFrame(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer,
                                    seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 {
            // A truncated frame at EOF: nothing to deliver; the bytes are dropped with the connection.
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        }
        return .needMoreData
    }
}
