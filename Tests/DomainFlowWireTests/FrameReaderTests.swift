import NIOCore
import Testing
@testable import DomainFlowWire

@Suite struct FrameReaderTests {
    private func frameBytes(_ payloads: [[UInt8]]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for payload in payloads {
            buffer.writeInteger(UInt32(payload.count), endianness: .big)
            buffer.writeBytes(payload)
        }
        return buffer
    }

    @Test func readsCoalescedFramesInOrder() throws {
        var buffer = frameBytes([[1, 2, 3], [], [9]])
        let reader = FrameReader()
        #expect(try reader.nextFrame(from: &buffer).map { Array($0.readableBytesView) } == [1, 2, 3])
        #expect(try reader.nextFrame(from: &buffer).map { Array($0.readableBytesView) } == [])
        #expect(try reader.nextFrame(from: &buffer).map { Array($0.readableBytesView) } == [9])
        #expect(try reader.nextFrame(from: &buffer) == nil)
    }

    @Test func waitsForSplitFrameWithoutConsuming() throws {
        let whole = frameBytes([[10, 20, 30, 40, 50]])
        let bytes = Array(whole.readableBytesView)
        let reader = FrameReader()
        var buffer = ByteBuffer()
        for (index, byte) in bytes.enumerated() {
            buffer.writeInteger(byte)
            let frame = try reader.nextFrame(from: &buffer)
            if index < bytes.count - 1 {
                #expect(frame == nil)
                #expect(buffer.readableBytes == index + 1, "nothing consumed before the frame is whole")
            } else {
                #expect(frame.map { Array($0.readableBytesView) } == [10, 20, 30, 40, 50])
            }
        }
    }

    @Test func rejectsFrameLongerThanLimitBeforePayloadArrives() {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(1025), endianness: .big)  // only the prefix: no payload yet
        let reader = FrameReader(maxFrameBytes: 1024)
        #expect(throws: WireError.frameTooLarge(announced: 1025, limit: 1024)) {
            try reader.nextFrame(from: &buffer)
        }
    }

    @Test func acceptsFrameExactlyAtLimit() throws {
        var buffer = frameBytes([[UInt8](repeating: 7, count: 1024)])
        #expect(try FrameReader(maxFrameBytes: 1024).nextFrame(from: &buffer)?.readableBytes == 1024)
    }

    @Test func hugeAnnouncedLengthIsRejected() {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32.max, endianness: .big)
        #expect(throws: WireError.self) { try FrameReader().nextFrame(from: &buffer) }
    }
}
