import Foundation

/// An executable of this package (or any program) run as a child process in a test: its standard
/// output is read line by line on a thread of its own, so a test can wait for a line, signal the
/// process and wait for its exit status.
public final class ChildProcess: Sendable {
    /// The directory holding this package's built executables (the test bundle's own directory),
    /// or `SUPPORT_BIN_DIR` when set.
    public static var binaryDirectory: URL {
        if let directory = ProcessInfo.processInfo.environment["SUPPORT_BIN_DIR"] {
            return URL(fileURLWithPath: directory)
        }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // On Linux the test runner is `<bin>/<Package>PackageTests.xctest`; elsewhere the path may
        // point inside a bundle.
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("interop-server").path),
            directory.pathComponents.count > 1
        {
            directory.deleteLastPathComponent()
        }
        return directory
    }

    private let process: Process
    private let captured = CapturedOutput()

    /// Starts `executable` (a name in ``binaryDirectory`` or an absolute path) with `arguments`;
    /// ``output`` holds its standard output, and its standard error too if `capturingErrors`.
    /// Fails with a message saying to build first if the executable is missing.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        capturingErrors: Bool = false
    ) throws {
        let path =
            executable.hasPrefix("/") ? executable : Self.binaryDirectory.appendingPathComponent(executable).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw ChildProcessError("\(path) is missing: run `swift build` before `swift test`")
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let output = Pipe()
        process.standardOutput = output
        if capturingErrors { process.standardError = output }
        try process.run()
        let handle = output.fileHandleForReading
        Thread.detachNewThread { [captured] in
            var pending = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    captured.append(line)
                }
            }
            captured.finish()
        }
    }

    /// The process id.
    public var pid: Int32 { process.processIdentifier }

    /// Every line printed so far.
    public var output: [String] { captured.lines }

    /// Waits (up to `timeout`) for a printed line satisfying `matches`, and returns it.
    public func waitForLine(timeout: Duration = .seconds(60), where matches: (String) -> Bool) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = captured.lines.first(where: matches) { return line }
            if captured.isFinished, !process.isRunning {
                throw ChildProcessError("the process exited before printing the line; output: \(output)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw ChildProcessError("no such line within \(timeout); output: \(output)")
    }

    /// Waits (up to `timeout`) for the end of the output: every process holding the pipe (this
    /// one and any it started) has closed it or exited.
    public func waitForEndOfOutput(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !captured.isFinished {
            guard ContinuousClock.now < deadline else {
                throw ChildProcessError("the output is still open after \(timeout); output: \(output)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The port from a "... listening on port N" line.
    public func waitForPort(timeout: Duration = .seconds(60)) async throws -> Int {
        let line = try await waitForLine(timeout: timeout) { $0.contains("listening on port ") }
        guard let port = line.split(separator: " ").last.flatMap({ Int($0) }) else {
            throw ChildProcessError("no port in '\(line)'")
        }
        return port
    }

    /// Sends `signal` (SIGTERM, SIGKILL, ...).
    public func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits (up to `timeout`) for the process to exit; returns its exit status (or the signal
    /// number that ended it).
    public func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { throw ChildProcessError("still running after \(timeout)") }
            try await Task.sleep(for: .milliseconds(10))
        }
        return process.terminationStatus
    }

    /// How the process ended: by exit or by a signal.
    public var terminatedBySignal: Bool { process.terminationReason == .uncaughtSignal }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
