import Foundation
import Testing

@Suite struct GeneratedCodeTests {
    /// Committed generated code (protobuf-c output, embedded migrations) must match what its script makes now.
    @Test(arguments: ["Scripts/generate-protos", "Scripts/generate-migrations"])
    func generatedCodeIsCurrent(script: String) async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [root.appendingPathComponent(script).path, "--check"]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        let exited = AsyncStream<Void> { continuation in
            process.terminationHandler = { _ in continuation.yield(); continuation.finish() }
        }
        try process.run()
        for await _ in exited {}
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(output)")
    }
}
