import Foundation

/// A Python server script from `Tests/Python` running in the background for a test.
final class PythonServer: Sendable {
    let process: Process
    let port: Int
    /// The server's own process id, as it reports it (python3 may run behind a launcher).
    let pid: Int32

    /// Starts `script --port 0 [arguments]` and waits for its "listening on PORT pid PID" line.
    init(_ script: String, _ arguments: [String] = []) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["python3", PythonScript.directory.appendingPathComponent(script).path, "--port", "0"] + arguments
        process.currentDirectoryURL = PythonScript.directory
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let line = try await PythonScript.onOwnThread {
            var line = ""
            while !line.hasSuffix("\n") {
                let byte = pipe.fileHandleForReading.readData(ofLength: 1)
                if byte.isEmpty { break }
                line += String(decoding: byte, as: UTF8.self)
            }
            return line
        }
        let words = line.split(whereSeparator: \.isWhitespace)
        guard words.count == 5, let port = Int(words[2]), let pid = Int32(words[4]) else {
            process.terminate()
            throw CocoaError(.fileReadCorruptFile)
        }
        self.process = process
        self.port = port
        self.pid = pid
    }

    /// Kills the server (grpcio servers do not always exit on SIGTERM).
    func stop() {
        kill(pid, SIGKILL)
    }
}

extension Process: @retroactive @unchecked Sendable {}
