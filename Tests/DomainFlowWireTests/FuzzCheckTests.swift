import DomainFlowFuzzing
import DomainFlowWire
import NIOCore
import Testing

/// The fuzzer's own checks and seeds, run without libFuzzer (`Scripts/fuzz` runs them with it): every method's
/// seed is a valid stream, and the seeds and deterministic mutations of them pass the checks (a failed check traps).
@Suite struct FuzzCheckTests {
    @Test func everyMethodHasASeedThatDecodesToItsRequest() throws {
        let seeds = FuzzSeeds.all()
        #expect(seeds.count == ProtoSchema.methodNumbers.count)
        for (seed, method) in zip(seeds, ProtoSchema.methodNumbers) {
            var buffer = ByteBuffer(bytes: seed.bytes)
            let reader = FrameReader()
            var frames: [ClientFrame] = []
            while let payload = try reader.nextFrame(from: &buffer) {
                if let frame = try? FrameCodec.decodeClientFrame(payload) { frames.append(frame) }
            }
            guard frames.count >= 3, case .request(let request) = frames[1] else {
                Issue.record("\(seed.name): no request frame in \(frames)")
                continue
            }
            let schema = try #require(ProtoSchema.request(ofMethod: method))
            #expect(request.method == method && request.message.entries.isEmpty == schema.fieldList.isEmpty, "\(seed.name)")
        }
    }

    @Test func seedsAndTheirMutationsPassTheChecks() {
        var generator = SplitMix(seed: 17)
        for seed in FuzzSeeds.all() {
            seed.bytes.withUnsafeBytes { FrameFuzzCheck.run($0) }
            for _ in 0..<40 {
                var bytes = seed.bytes
                switch generator.next() % 4 {
                case 0: bytes[Int(generator.next() % UInt64(bytes.count))] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
                case 1: bytes.removeLast(Int(generator.next() % UInt64(bytes.count)))
                case 2: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: Int(generator.next() % UInt64(bytes.count)))
                default: bytes[Int(generator.next() % UInt64(bytes.count))] = 0xFF
                }
                bytes.withUnsafeBytes { FrameFuzzCheck.run($0) }
            }
        }
    }
}

/// A small deterministic generator, so that a failing mutation is the same on every run.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
