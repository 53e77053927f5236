import Foundation
import Testing

@Suite struct GeneratedCodeTests {
    /// The committed protobuf-c output must match what `Scripts/generate-protos` makes from `Protos/`.
    @Test func generatedProtobufCCodeIsCurrent() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [root.appendingPathComponent("Scripts/generate-protos").path, "--check"]
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
