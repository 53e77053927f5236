import DomainFlowWire
import NIOCore

/// What the fuzzer checks on every input (issue #17): the bytes as a client or a server would send them on a
/// connection are split into frames, each frame is decoded through protobuf-c into Swift as a client frame and as a
/// server frame, and the payload also as the request message of one of the protocol's methods. Whatever decodes
/// must encode again, and decode to what encodes the same bytes. A violation traps: that is the fuzzer's finding.
/// Malformed input must only ever be a thrown `WireError`.
public enum FrameFuzzCheck {
    /// The frame limit of the checks (the server's default is larger; the logic is the same).
    public static let maxFrameBytes = 1 << 20

    /// Runs every check on one input.
    public static func run(_ bytes: UnsafeRawBufferPointer) {
        var buffer = ByteBuffer(bytes: bytes)
        let reader = FrameReader(maxFrameBytes: maxFrameBytes)
        while true {
            let frame: ByteBuffer?
            do { frame = try reader.nextFrame(from: &buffer) } catch { return }  // oversized: the connection would close
            guard let payload = frame else { return }
            clientFrame(payload)
            serverFrame(payload)
            requestMessage(payload)
        }
    }

    private static func clientFrame(_ payload: ByteBuffer) {
        guard let decoded = try? FrameCodec.decodeClientFrame(payload) else { return }
        if case .request(let request) = decoded, request.method != 0, ProtoSchema.request(ofMethod: request.method) == nil {
            // A method this side does not know: kept by number for an UNIMPLEMENTED answer, never encoded.
            precondition(request.message.entries.isEmpty, "an unknown method \(request.method) came with fields")
            return
        }
        roundTrip(decoded, "client", decode: FrameCodec.decodeClientFrame, encode: { try FrameCodec.encode($0, into: &$1) })
    }

    private static func serverFrame(_ payload: ByteBuffer) {
        guard let decoded = try? FrameCodec.decodeServerFrame(payload) else { return }
        roundTrip(decoded, "server", decode: FrameCodec.decodeServerFrame, encode: { try FrameCodec.encode($0, into: &$1) })
    }

    /// A decoded frame must encode, decode again, and encode to the same bytes.
    private static func roundTrip<Frame>(_ decoded: Frame, _ side: String, decode: (ByteBuffer) throws -> Frame,
                                         encode: (Frame, inout ByteBuffer) throws -> Void) {
        let once = encoded { try encode(decoded, &$0) }
        guard let again = try? decode(unframed(once)) else {
            preconditionFailure("a \(side) frame we encoded does not decode: \(decoded)")
        }
        let twice = encoded { try encode(again, &$0) }
        precondition(once == twice, "a \(side) frame changed through encode and decode: \(decoded) then \(again)")
    }

    /// The payload as the request of a method chosen by its first byte: every request type's decoder is reached.
    private static func requestMessage(_ payload: ByteBuffer) {
        let methods = ProtoSchema.methodNumbers
        guard let first = payload.getInteger(at: payload.readerIndex, as: UInt8.self), !methods.isEmpty,
              let schema = ProtoSchema.request(ofMethod: methods[Int(first) % methods.count]) else { return }
        let bytes = Array(payload.readableBytesView.dropFirst())
        guard let fields = try? FrameCodec.decodeMessage(bytes, as: schema) else { return }
        let once: [UInt8]
        do { once = try FrameCodec.encodeMessage(fields, as: schema) } catch {
            preconditionFailure("decoded \(schema.fullName) fields do not encode: \(error)")
        }
        guard let again = try? FrameCodec.decodeMessage(once, as: schema) else {
            preconditionFailure("a \(schema.fullName) we encoded does not decode")
        }
        let twice = try? FrameCodec.encodeMessage(again, as: schema)
        precondition(once == twice, "a \(schema.fullName) changed through encode and decode")
    }

    private static func encoded(_ write: (inout ByteBuffer) throws -> Void) -> ByteBuffer {
        var buffer = ByteBuffer()
        do { try write(&buffer) } catch { preconditionFailure("a decoded frame does not encode: \(error)") }
        return buffer
    }

    /// The payload of a frame `encode` wrote (its length prefix removed).
    private static func unframed(_ frame: ByteBuffer) -> ByteBuffer {
        var frame = frame
        guard let payload = try? FrameReader(maxFrameBytes: Int(UInt32.max)).nextFrame(from: &frame) else {
            preconditionFailure("an encoded frame is not one whole frame")
        }
        return payload
    }
}
