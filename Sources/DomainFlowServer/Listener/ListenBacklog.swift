import Foundation
import Glibc

/// The listen backlog: the system's maximum (`net.core.somaxconn`), so that a burst of clients
/// connecting at once waits in the kernel's queue instead of being refused with EAGAIN.
enum ListenBacklog {
    static var systemMaximum: Int32 {
        if let text = try? String(contentsOfFile: "/proc/sys/net/core/somaxconn", encoding: .utf8),
           let value = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), value > 0 {
            return value
        }
        return SOMAXCONN
    }
}
