import DomainFlowCore
import DomainFlowWire
import Foundation
import Histogram

/// The outcome of a load run: counts, throughput, latency percentiles (HdrHistogram, ns).
public struct LoadReport: Sendable {
    public let requests: Int
    public let errorsByCode: [String: Int]
    public let elapsed: Duration
    public let histogram: Histogram<UInt64>
    public let openLoopRate: Double?
    /// Rows received by `stream-results` calls.
    public var streamedRows = 0
    /// Open loop: calls that were due before the end but never sent (the target rate was not reached).
    public var unsent = 0
    /// The run was stopped before its end (Ctrl-C): the report covers what ran.
    public var stoppedEarly = false

    public init(requests: Int, errorsByCode: [String: Int], elapsed: Duration, histogram: Histogram<UInt64>,
                openLoopRate: Double?, streamedRows: Int = 0) {
        self.requests = requests
        self.errorsByCode = errorsByCode
        self.elapsed = elapsed
        self.histogram = histogram
        self.openLoopRate = openLoopRate
        self.streamedRows = streamedRows
    }

    public var streamedRowsPerSecond: Double { Double(streamedRows) / elapsed.seconds }

    public var succeeded: Int { requests - errorsByCode.values.reduce(0, +) }
    public var throughput: Double { Double(requests) / elapsed.seconds }

    /// Latency at a percentile, in microseconds.
    public func micros(_ percentile: Double) -> Double { Double(histogram.valueAtPercentile(percentile)) / 1000 }

    public var summary: String {
        var lines = [
            String(format: "requests   %d in %.2f s (%.0f/s)%@%@", requests, elapsed.seconds, throughput,
                   openLoopRate.map { String(format: ", open loop: target %.0f/s, %d due calls not sent", $0, unsent) } ?? ", closed loop",
                   stoppedEarly ? " (stopped early)" : ""),
            "errors     " + (errorsByCode.isEmpty ? "none"
                : errorsByCode.sorted(by: { $0.key < $1.key }).map { "\($0.key)=\($0.value)" }.joined(separator: " ")),
            String(format: "latency µs min %.1f  p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f",
                   Double(histogram.min) / 1000, micros(50), micros(90), micros(99), micros(99.9), Double(histogram.max) / 1000),
        ]
        if histogram.totalCount == 0 { lines[2] = "latency    no successful calls" }
        if streamedRows > 0 { lines.append(String(format: "streamed   %d rows (%.0f rows/s)", streamedRows, streamedRowsPerSecond)) }
        return lines.joined(separator: "\n")
    }

    public var json: String {
        let object: [String: Any] = [
            "requests": requests, "succeeded": succeeded, "errors": errorsByCode,
            "elapsed_seconds": elapsed.seconds, "throughput_per_second": throughput,
            "mode": openLoopRate == nil ? "closed" : "open", "rate": openLoopRate ?? 0, "unsent": unsent,
            "stopped_early": stoppedEarly,
            "streamed_rows": streamedRows, "streamed_rows_per_second": streamedRowsPerSecond,
            "latency_us": ["min": Double(histogram.min) / 1000, "p50": micros(50), "p90": micros(90), "p99": micros(99),
                           "p99_9": micros(99.9), "max": Double(histogram.max) / 1000, "mean": histogram.mean / 1000],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The percentile distribution in HdrHistogram's text format, values in microseconds.
    public var percentileDistribution: String {
        var text = ""
        histogram.outputPercentileDistribution(to: &text, outputValueUnitScalingRatio: 1000)
        return text
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
