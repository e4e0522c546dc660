import Foundation

/// Runs a script from `Tests/Python` with python3 and returns its exit status and output. The
/// wait happens on a thread of its own: blocking one of Swift concurrency's few threads while the
/// script calls a server in this process could starve that server.
enum PythonScript {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Python")

    static func run(_ script: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await onOwnThread {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", directory.appendingPathComponent(script).path] + arguments
            process.currentDirectoryURL = directory
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("python-\(UUID()).log")
            FileManager.default.createFile(atPath: output.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: output) }
            let handle = try FileHandle(forWritingTo: output)
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            process.waitUntilExit()
            try handle.close()
            return (process.terminationStatus, try String(contentsOf: output, encoding: .utf8))
        }
    }

    /// Runs blocking `work` on a new thread.
    static func onOwnThread<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result<Value, any Error> { try work() }) }
        }
    }
}
