import CProtobufC
import Glibc

/// Memory for one encode or decode with protobuf-c: handed out from a few large blocks (zeroed) and
/// released all at once, instead of a `malloc` and a `free` per message, string and array.
struct ScratchArena: ~Copyable {
    private var blocks: [UnsafeMutableRawPointer] = []
    private var cursor: UnsafeMutableRawPointer?
    private var remaining = 0
    private var nextBlockSize: Int
    /// Why what was built here is not a whole message (a generic write whose fields the schema refuses): then it
    /// must not be sent, and the caller takes the path that reports the error.
    var failure: WireError?

    /// An arena whose first block holds `expectedBytes` (it grows as needed).
    init(expectedBytes: Int = 2048) {
        nextBlockSize = max(1024, expectedBytes)
    }

    /// `size` zeroed bytes, aligned to 16, valid until the arena ends.
    mutating func allocate(_ size: Int) -> UnsafeMutableRawPointer {
        let rounded = (max(size, 1) + 15) & ~15
        if rounded > remaining {
            let blockSize = max(rounded, nextBlockSize)
            nextBlockSize = blockSize * 2
            let block = malloc(blockSize)!
            blocks.append(block)
            cursor = block
            remaining = blockSize
        }
        let pointer = cursor!
        cursor = pointer + rounded
        remaining -= rounded
        memset(pointer, 0, rounded)
        return pointer
    }

    deinit { for block in blocks { free(block) } }
}

extension ScratchArena {
    /// Runs `body` with a protobuf-c allocator that takes its memory from this arena (its `free` does nothing:
    /// the arena releases everything when it ends).
    mutating func withAllocator<R, E: Error>(_ body: (UnsafeMutablePointer<ProtobufCAllocator>) throws(E) -> R) throws(E) -> R {
        try withUnsafeMutablePointer(to: &self) { (arena) throws(E) -> R in
            var allocator = ProtobufCAllocator(
                alloc: { data, size in data!.assumingMemoryBound(to: ScratchArena.self).pointee.allocate(size) },
                free: { _, _ in },
                allocator_data: UnsafeMutableRawPointer(arena))
            return try body(&allocator)
        }
    }
}
