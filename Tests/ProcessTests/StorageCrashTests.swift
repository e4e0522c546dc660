import Foundation
import GRDB
import Runtime
import Storage
import TestSupport
import Testing

/// A process killed with SIGKILL in the middle of its write loop loses no acknowledged write and
/// leaves a sound database file.
@Suite struct StorageCrashTests {
    @Test func sigkillDuringWritesLosesNoAcknowledgedWrite() async throws {
        let directory = NSTemporaryDirectory() + "storage-crash-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var lastAcknowledged = 0
        for round in 1...3 {
            let writer = try ChildProcess("storage-writer", [directory])
            let target = lastAcknowledged + 150
            _ = try await writer.waitForLine { $0 == "acked \(target)" }
            writer.send(SIGKILL)
            _ = try await writer.waitForExit()
            #expect(writer.terminatedBySignal, "round \(round): the writer was not killed")
            let acknowledged = writer.output.compactMap { line in
                line.hasPrefix("acked ") ? Int(line.dropFirst(6)) : nil
            }
            let highest = try #require(acknowledged.max())
            #expect(acknowledged == Array((lastAcknowledged + 1)...highest))

            let database = try DatabaseQueue(path: "\(directory)/writer.sqlite")
            let (integrity, stored, count) = try await database.read { db in
                (
                    try String.fetchOne(db, sql: "PRAGMA integrity_check"),
                    try Set(Int.fetchAll(db, sql: "SELECT id FROM entries")),
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM entries") ?? 0
                )
            }
            try database.close()
            #expect(integrity == "ok")
            let lost = (1...highest).filter { !stored.contains($0) }
            #expect(lost.isEmpty, "round \(round): acknowledged writes lost: \(lost.prefix(10))")
            // Rows are numbered without gaps, so a write in flight at the kill is the only extra.
            #expect(count == highest || count == highest + 1)
            lastAcknowledged = count
        }
    }

    /// The same with 16 writers at once, whose commits are grouped (several writes per commit and
    /// fsync): a write is acknowledged only once the transaction holding it is on disk.
    @Test func sigkillDuringGroupedWritesLosesNoAcknowledgedWrite() async throws {
        let directory = NSTemporaryDirectory() + "storage-crash-group-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var stored: Set<Int> = []
        for round in 1...3 {
            let writer = try ChildProcess("storage-writer", [directory, "16"])
            let target = (stored.max() ?? 0) + 300
            _ = try await writer.waitForLine { line in
                line.hasPrefix("acked ") && (Int(line.dropFirst(6)) ?? 0) >= target
            }
            writer.send(SIGKILL)
            _ = try await writer.waitForExit()
            #expect(writer.terminatedBySignal, "round \(round): the writer was not killed")
            let acknowledged = Set(
                writer.output.compactMap { line in line.hasPrefix("acked ") ? Int(line.dropFirst(6)) : nil })
            #expect(acknowledged.count >= 300)

            let database = try DatabaseQueue(path: "\(directory)/writer.sqlite")
            let integrity = try await database.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
            stored = try await database.read { db in try Set(Int.fetchAll(db, sql: "SELECT id FROM entries")) }
            try database.close()
            #expect(integrity == "ok")
            let lost = acknowledged.subtracting(stored).sorted()
            #expect(lost.isEmpty, "round \(round): acknowledged writes lost: \(lost.prefix(10))")
        }
    }
}
