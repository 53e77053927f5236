import DomainFlowFuzzing

#if FUZZING
/// libFuzzer's entry point (built by `Scripts/fuzz` with `--sanitize=fuzzer --sanitize=address -Xswiftc -DFUZZING`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    FrameFuzzCheck.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#else
import Foundation

/// Without libFuzzer: `domainflow-fuzz seeds DIR` writes the seed corpus; `domainflow-fuzz FILE...` runs files
/// (found crashes, the corpus) through the same checks.
@main
struct FuzzReplay {
    static func main() throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "seeds", arguments.count == 2 {
            let directory = URL(fileURLWithPath: arguments[1], isDirectory: true)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let seeds = FuzzSeeds.all()
            for seed in seeds { try Data(seed.bytes).write(to: directory.appendingPathComponent("seed-\(seed.name)")) }
            print("wrote \(seeds.count) seeds to \(directory.path)")
            return
        }
        guard !arguments.isEmpty else {
            FileHandle.standardError.write(Data("usage: domainflow-fuzz seeds DIR | domainflow-fuzz FILE...\n".utf8))
            exit(2)
        }
        for path in arguments {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            bytes.withUnsafeBytes { FrameFuzzCheck.run($0) }
        }
        print("\(arguments.count) inputs passed the checks")
    }
}
#endif
