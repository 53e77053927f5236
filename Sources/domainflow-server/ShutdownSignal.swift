import Dispatch
import Glibc

/// Waits for SIGTERM or SIGINT.
enum ShutdownSignal {
    static func wait() async -> String {
        let signals = AsyncStream<String> { continuation in
            var sources: [any DispatchSourceSignal] = []
            for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
                Glibc.signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { continuation.yield(name) }
                source.resume()
                sources.append(source)
            }
            nonisolated(unsafe) let retained = sources  // only cancelled once, at termination
            continuation.onTermination = { _ in retained.forEach { $0.cancel() } }
        }
        for await name in signals { return name }
        return "end of signals"
    }
}
