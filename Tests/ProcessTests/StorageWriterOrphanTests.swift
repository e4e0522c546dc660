import Foundation
import TestSupport
import Testing

/// The crash test's `storage-writer` does not outlive the run that started it: when its parent is
/// killed it stops writing and exits (an interrupted `swift test` leaves no writer spinning).
@Suite struct StorageWriterOrphanTests {
    @Test func theWriterExitsWhenItsParentIsKilled() async throws {
        let directory = NSTemporaryDirectory() + "storage-orphan-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = ChildProcess.binaryDirectory.appendingPathComponent("storage-writer").path
        // A shell stands in for the test run: it starts the writer (which shares its output pipe),
        // says the writer's pid, and waits.
        let shell = try ChildProcess("/bin/sh", ["-c", "\"$0\" \"$1\" & echo \"writer $!\"; wait", writer, directory])
        let line = try await shell.waitForLine { $0.hasPrefix("writer ") }
        let writerPID = try #require(Int32(line.dropFirst("writer ".count)))
        _ = try await shell.waitForLine { $0 == "acked 20" }
        shell.send(SIGKILL)
        // The pipe ends only once the shell and the orphaned writer have both exited.
        try await shell.waitForEndOfOutput()
        // Its descriptors close while it exits: wait (a bounded while) for the exit to complete.
        var exited = false
        for _ in 0..<3_000 where !exited {
            exited = kill(writerPID, 0) == -1 || Self.isZombie(writerPID)
            if !exited { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(exited, "the writer \(writerPID) is still running")
        let acknowledged = shell.output.compactMap { $0.hasPrefix("acked ") ? Int($0.dropFirst(6)) : nil }
        #expect(acknowledged == Array(1...(acknowledged.last ?? 0)))
    }

    @Test func theWriterExitsWhenItsOutputIsClosed() async throws {
        let directory = NSTemporaryDirectory() + "storage-closed-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = Process()
        process.executableURL = ChildProcess.binaryDirectory.appendingPathComponent("storage-writer")
        process.arguments = [directory]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        // Read the first acknowledgement, then close the only reading end.
        var received = Data()
        while !received.contains(0x0A) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            received.append(chunk)
        }
        #expect(String(decoding: received, as: UTF8.self).hasPrefix("acked 1"))
        try output.fileHandleForReading.close()
        let deadline = ContinuousClock.now + .seconds(60)
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(!process.isRunning, "the writer kept running with nobody reading its output")
    }

    /// Whether `pid` has exited but not yet been reaped by its new parent.
    static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }
}
