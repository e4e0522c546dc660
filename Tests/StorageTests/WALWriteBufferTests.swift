import Foundation
import GRDB
import Storage
import TestSupport
import Testing

/// The process's default VFS gathers a transaction's WAL frames and writes them in one system call
/// (`Shared/CSQLiteSettings/WALWriteBuffer.c`): every commit must still be in the log file when it
/// returns, synced or not, whatever its size, so that another connection (its own file handle)
/// reads every committed row, and the file stays sound.
@Suite struct WALWriteBufferTests {
    @Test func theGatheringVFSIsTheDefault() {
        #expect(SQLiteSettings.walWritesAreGathered)
    }

    @Test(arguments: ["FULL", "NORMAL"])
    func eachCommitIsInTheLogFileWhenItReturns(synchronous: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("walbuffer-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/test.sqlite"
        let writer = try DatabaseQueue(path: path)
        try writer.writeWithoutTransaction { db in
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")  // the log only grows: its frames can be counted
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            try db.execute(sql: "CREATE TABLE entries (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
        }
        var readOnly = Configuration()
        readOnly.readonly = true
        let reader = try DatabaseQueue(path: path, configuration: readOnly)
        var commits = try WALFrames(path: "\(path)-wal").commits
        var rows = 0
        // Small commits (one page or two), then commits larger than the 120 KiB gathered at most.
        for (index, size) in (Array(repeating: 300, count: 30) + [3_000, 70_000, 300_000, 700_000]).enumerated() {
            let count = size > 10_000 ? size / 4_000 : 1
            try writer.write { db in
                for row in 0..<count {
                    try db.execute(
                        sql: "INSERT INTO entries (id, payload) VALUES (?, randomblob(?))",
                        arguments: [rows + row + 1, min(size, 4_000)])
                }
            }
            rows += count
            let log = try WALFrames(path: "\(path)-wal")
            #expect(log.commits == commits + 1, "commit \(index) (\(size) bytes) is not whole in the log file")
            commits = log.commits
            let seen = try reader.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM entries") }
            #expect(seen == rows, "commit \(index): another connection sees \(seen ?? -1) rows of \(rows)")
        }
        #expect(try writer.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
        try writer.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        #expect(try reader.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM entries") } == rows)
        #expect(try reader.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
    }
}
