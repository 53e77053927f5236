import DomainFlowClient
import DomainFlowWire
import Foundation

/// `campaign results` / `campaign leads` in CSV or JSON lines: the server's `ExportCampaignResults`
/// bytes written as they arrive. An interrupted export into a file is cut back to the last complete
/// range and says how to continue (`--start-offset N --append`).
enum ResultExport {
    static func run(_ connection: ConnectionOptions, client: DomainFlowClient, request: ExportCampaignResultsRequest,
                    output: String?, append: Bool) async throws {
        let handle = try openOutput(output, append: append)
        defer { if output != nil { try? handle.close() } }
        let initial = output == nil ? 0 : try handle.offset()
        var written = initial
        // The bytes written when the last complete range ended, and the offset to continue from.
        var safe: (bytes: UInt64, offset: UInt64) = (initial, request.startOffset)
        do {
            try await connection.call {
                for try await chunk in try client.serverStream(Methods.exportCampaignResults, request) {
                    handle.write(Data(chunk.data))
                    written += UInt64(chunk.data.count)
                    if chunk.hasResumeOffset { safe = (written, chunk.resumeOffset) }
                }
            }
        } catch {
            guard let output else { throw error }
            try handle.truncate(atOffset: safe.bytes)
            throw CLIError("\(error); \(output) holds every row before input offset \(safe.offset): "
                + "continue with --start-offset \(safe.offset) --append --output \(output)")
        }
    }

    /// Where results go: `path` (created or emptied, or appended to with `append`), else standard output.
    static func openOutput(_ path: String?, append: Bool = false) throws -> FileHandle {
        guard let path else { return FileHandle.standardOutput }
        if !append || !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else { throw CLIError("cannot create \(path)") }
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        if append { try handle.seekToEnd() }
        return handle
    }
}
