import DomainFlowWire
import NIOConcurrencyHelpers

/// The messages of one server stream, between the event loop (producer) and the
/// consuming task. When `highWater` messages (or `highWaterBytes` of frames) are waiting, the
/// producer side is told to stop reading the socket until the consumer has drained to `lowWater`
/// (and half the bytes). A message is released as soon as it is taken.
final class StreamBuffer: Sendable {
    private struct State {
        var queue: [MessageBody] = []
        var sizes: [Int] = []
        var head = 0
        var queuedBytes = 0
        var end: Result<Void, any Error>?
        var waiter: CheckedContinuation<MessageBody?, any Error>?
        var congested = false
    }

    private let state = NIOLockedValueBox(State())
    let highWater: Int
    let lowWater: Int
    let highWaterBytes: Int
    /// Called with true when this stream becomes congested, false when it drains.
    let onCongestion: @Sendable (Bool) -> Void

    init(highWater: Int = 256, lowWater: Int = 64, highWaterBytes: Int = 8 << 20, onCongestion: @escaping @Sendable (Bool) -> Void) {
        self.highWater = highWater
        self.lowWater = lowWater
        self.highWaterBytes = highWaterBytes
        self.onCongestion = onCongestion
    }

    /// Producer: messages arrived (in frames of `bytes` each), in order: one lock, and a waiting consumer woken
    /// once for all of them.
    func push(contentsOf messages: [MessageBody], bytes: [Int]) {
        guard !messages.isEmpty else { return }
        let (waiter, congestedNow): (CheckedContinuation<MessageBody?, any Error>?, Bool) = state.withLockedValue { s in
            let waiter = s.waiter
            s.waiter = nil
            for index in (waiter == nil ? 0 : 1)..<messages.count {
                s.queue.append(messages[index])
                s.sizes.append(bytes[index])
                s.queuedBytes += bytes[index]
            }
            if !s.congested, s.queue.count - s.head >= highWater || s.queuedBytes >= highWaterBytes {
                s.congested = true
                return (waiter, true)
            }
            return (waiter, false)
        }
        waiter?.resume(returning: messages[0])
        if congestedNow { onCongestion(true) }
    }

    /// Producer: the stream ended (OK is `.success`).
    func finish(_ end: Result<Void, any Error>) {
        let (waiter, wasCongested) = state.withLockedValue { s -> (CheckedContinuation<MessageBody?, any Error>?, Bool) in
            guard s.end == nil else { return (nil, false) }
            s.end = end
            let waiter = s.waiter
            s.waiter = nil
            let wasCongested = s.congested
            if waiter != nil { s.congested = false }
            return (waiter, wasCongested && waiter != nil)
        }
        if let waiter {
            switch end {
            case .success: waiter.resume(returning: nil)
            case .failure(let error): waiter.resume(throwing: error)
            }
        }
        if wasCongested { onCongestion(false) }
    }

    var isFinished: Bool { state.withLockedValue { $0.end != nil } }

    /// Consumer: the next message, nil at a clean end; throws the stream's error.
    func next() async throws -> MessageBody? {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<MessageBody?, any Error>) in
            enum Outcome { case message(MessageBody, relieved: Bool), end(Result<Void, any Error>, relieved: Bool), wait }
            let outcome: Outcome = state.withLockedValue { s in
                if s.head < s.queue.count {
                    let message = s.queue[s.head]
                    s.queue[s.head] = .fields(ProtoFields())  // released now, not when the queue is compacted
                    s.queuedBytes -= s.sizes[s.head]
                    s.head += 1
                    if s.head > 1024, s.head * 2 > s.queue.count {
                        s.queue.removeFirst(s.head)
                        s.sizes.removeFirst(s.head)
                        s.head = 0
                    }
                    var relieved = false
                    if s.congested, s.queue.count - s.head <= lowWater, s.queuedBytes <= highWaterBytes / 2 {
                        s.congested = false
                        relieved = true
                    }
                    return .message(message, relieved: relieved)
                }
                if let end = s.end {
                    let relieved = s.congested
                    s.congested = false
                    return .end(end, relieved: relieved)
                }
                s.waiter = continuation
                return .wait
            }
            switch outcome {
            case .message(let message, let relieved):
                if relieved { onCongestion(false) }
                continuation.resume(returning: message)
            case .end(let end, let relieved):
                if relieved { onCongestion(false) }
                switch end {
                case .success: continuation.resume(returning: nil)
                case .failure(let error): continuation.resume(throwing: error)
                }
            case .wait:
                break
            }
        }
    }
}
