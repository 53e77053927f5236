import ArgumentParser
import DomainFlowClient
import DomainFlowWire

struct PingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ping", abstract: "Measure round trips to the server.")

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .shortAndLong, help: "Number of pings.")
    var count: Int = 5

    @Option(help: "Payload size in bytes.")
    var size: Int = 0

    @Flag(help: "Print only the summary.")
    var quiet = false

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
        guard (0...(4 * 1024 * 1024 - 64)).contains(size) else { throw ValidationError("--size must be 0...4194240") }
    }

    func run() async throws {
        let client = try await connection.connect()
        defer { Task { await client.close() } }
        let payload = [UInt8](repeating: 0x5A, count: size)
        let clock = ContinuousClock()
        var samples: [Duration] = []
        samples.reserveCapacity(count)
        for sequence in 1...count {
            let start = clock.now
            let reply = try await client.unary(Methods.ping, PingRequest(payload: payload), timeout: .seconds(10))
            let elapsed = clock.now - start
            guard reply.payload == payload else { throw CLIError("ping \(sequence): payload came back altered") }
            samples.append(elapsed)
            if !quiet && count <= 20 {
                print("ping \(sequence): \(size) bytes, time=\(Format.micros(elapsed))")
            }
        }
        let summary = LatencySummary(samples)
        print("\(count) pings, \(size)-byte payload: min \(Format.micros(summary.min)), p50 \(Format.micros(summary.p50)), "
              + "p99 \(Format.micros(summary.p99)), max \(Format.micros(summary.max))")
    }
}

/// Percentiles of a set of durations (nearest rank).
struct LatencySummary {
    let min: Duration, p50: Duration, p99: Duration, max: Duration
    init(_ samples: [Duration]) {
        let sorted = samples.sorted()
        func rank(_ p: Double) -> Duration {
            sorted[Swift.min(sorted.count - 1, Swift.max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))]
        }
        min = sorted.first!
        p50 = rank(0.50)
        p99 = rank(0.99)
        max = sorted.last!
    }
}

enum Format {
    static func micros(_ duration: Duration) -> String {
        let us = Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
        return us >= 10_000 ? String(format: "%.1f ms", us / 1000) : String(format: "%.1f µs", us)
    }
}

import Foundation
