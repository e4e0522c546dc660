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
    /// A new directory of its own (the caller removes it).
    static func temporaryDirectory() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("walbuffer-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    /// A connection to a new WAL database at `path` without automatic checkpoints, with a table
    /// `entries (id, payload)`, after running `settings`.
    static func walDatabase(at path: String, settings: [String]) throws -> DatabaseQueue {
        let database = try DatabaseQueue(path: path)
        try database.writeWithoutTransaction { db in
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            for statement in settings { try db.execute(sql: statement) }
            try db.execute(sql: "CREATE TABLE entries (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
        }
        return database
    }

    @Test func theGatheringVFSIsTheDefault() {
        #expect(SQLiteSettings.walWritesAreGathered)
    }

    @Test(arguments: ["FULL", "NORMAL"])
    func eachCommitIsInTheLogFileWhenItReturns(synchronous: String) throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/test.sqlite"
        // The log only grows (no automatic checkpoint): its frames can be counted.
        let writer = try Self.walDatabase(at: path, settings: ["PRAGMA synchronous = \(synchronous)"])
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

    /// A transaction larger than the page cache spills frames into the log, then rolls back; another
    /// writer connection commits after it; the first connection then reads. The spilled frames must
    /// reach the file before the first connection's write lock is released, never after the other
    /// writer's commits (an outside review found them written over those commits, which a fresh
    /// connection then saw as 46-70 rows for 40 and a broken b-tree).
    @Test func aRolledBackSpillNeverLandsOnAnotherWritersCommits() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/test.sqlite"
        let spiller = try Self.walDatabase(
            at: path,
            settings: ["PRAGMA cache_size = 20", "CREATE TABLE big (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)"])
        let other = try DatabaseQueue(path: path)
        try other.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        try other.writeWithoutTransaction { db in try db.checkpoint(.truncate) }  // the log starts over
        try spiller.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN")
            try db.execute(
                sql: """
                    WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < 203)
                    INSERT INTO big SELECT x, randomblob(1000) FROM s
                    """)
            try db.execute(sql: "ROLLBACK")
        }
        for id in 1...40 {
            try other.write { db in
                try db.execute(sql: "INSERT INTO entries (id, payload) VALUES (?, randomblob(3000))", arguments: [id])
            }
        }
        #expect(try spiller.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM entries") } == 40)
        let fresh = try DatabaseQueue(path: path)
        #expect(try fresh.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM entries") } == 40)
        #expect(try fresh.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
    }
}
