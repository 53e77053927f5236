import CLinuxEvents
import Foundation
import NIOCore

/// glibc malloc's defaults let a long-running server's memory climb with the work it has done, not with what it
/// holds: each free of a large block (a batch's COPY buffer, a page) raises the size below which blocks come from
/// the heap, where they stay resident after they are freed, and every thread that allocates may get an arena of
/// its own (8 per core), each keeping its own high-water mark. The server fixes the threshold at 256 KiB (large
/// blocks are mapped and unmapped, so their pages go back to the system) and keeps one arena per core. Set
/// either `MALLOC_MMAP_THRESHOLD_` or `MALLOC_ARENA_MAX` in the environment to keep glibc's own choice.
enum MemoryTuning {
    static let mmapThreshold: Int32 = 256 * 1024

    /// Applies the tuning unless the environment already tunes malloc; whether it was applied.
    static func apply() -> Bool {
        let environment = ProcessInfo.processInfo.environment
        guard environment["MALLOC_MMAP_THRESHOLD_"] == nil, environment["MALLOC_ARENA_MAX"] == nil else { return false }
        return domainflow_tune_malloc(mmapThreshold, Int32(max(1, System.coreCount))) == 1
    }
}
