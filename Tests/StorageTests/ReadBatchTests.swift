import Dispatch
import Foundation
import GRDB
import Testing

@testable import Storage

/// Reads waiting together are taken together by one read thread and run in one read transaction
/// (one `BEGIN`/`COMMIT`, one snapshot), on a real SQLite file. A test holds the only read thread
/// with a read of its own, queues reads behind it, waits until they wait, and lets go: the next
/// batch is then exactly those reads. Pass or fail is decided by what each read saw, never by time.
@Suite struct ReadBatchTests {
    /// A fresh database with one read thread and a table `counter` holding one row, 1.
    static func database(in directory: String) throws -> ServiceDatabase {
        try ServiceDatabase(
            directory: directory, name: "test",
            applying: [
                SchemaMigration("test-1") { db in
                    try db.execute("CREATE TABLE counter (value INTEGER NOT NULL)", [])
                    try db.execute("INSERT INTO counter (value) VALUES (1)", [])
                }
            ], readThreads: 1)
    }

    static func value(in db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT value FROM counter") ?? -1
    }

    static func set(_ value: Int, in database: ServiceDatabase) async throws {
        try await database.transaction { db in try db.execute("UPDATE counter SET value = ?", [value]) }
    }

    /// Waits on `semaphore` off the cooperative pool.
    static func wait(_ semaphore: DispatchSemaphore) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                semaphore.wait()
                done.resume()
            }
        }
    }

    /// Holds the read thread with a read of its own, inside its snapshot once it read the value;
    /// returns the semaphore that lets it go and the read (answering the value it saw).
    static func holdReadThread(of database: ServiceDatabase) async -> (DispatchSemaphore, Task<Int, any Error>) {
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let holder = Task {
            try await database.read { db -> Int in
                let value = try Self.value(in: db)
                started.signal()
                release.wait()
                return value
            }
        }
        await Self.wait(started)
        return (release, holder)
    }

    /// Runs `body` with a fresh database (``database(in:)``), closed and removed afterwards.
    static func withDatabase(_ body: (ServiceDatabase) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("batch-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try Self.database(in: directory)
        defer { database.close() }
        try await body(database)
    }

    @Test func readsQueuedTogetherShareOneSnapshot() async throws {
        try await Self.withDatabase { database in
            let (release, holder) = await Self.holdReadThread(of: database)

            // Two reads queued behind the holder: the first reads, then waits while a write commits
            // a new value; the second reads after that commit. Taken together, both read in the
            // snapshot the first one opened, so the second still sees the old value.
            let firstRead = DispatchSemaphore(value: 0)
            let written = DispatchSemaphore(value: 0)
            let first = Task {
                try await database.read { db -> Int in
                    let value = try Self.value(in: db)
                    firstRead.signal()
                    written.wait()
                    return value
                }
            }
            let second = Task { try await database.read { db in try Self.value(in: db) } }
            while database.queuedReads < 2 { try await Task.sleep(for: .milliseconds(2)) }
            release.signal()
            _ = try await holder.value
            await Self.wait(firstRead)
            try await Self.set(2, in: database)
            written.signal()
            #expect(try await first.value == 1)
            #expect(try await second.value == 1)

            // A read queued after the write sees it: the batch's transaction ended with the batch.
            #expect(try await database.read { db in try Self.value(in: db) } == 2)
        }
    }

    @Test func aReadQueuedAfterAWriteSeesItWhileAnEarlierBatchIsOpen() async throws {
        try await Self.withDatabase { database in
            // The holder's own snapshot is open (it read 1) when the write commits; a read queued
            // after the commit must not join it.
            let (release, holder) = await Self.holdReadThread(of: database)
            try await Self.set(3, in: database)
            let after = Task { try await database.read { db in try Self.value(in: db) } }
            while database.queuedReads < 1 { try await Task.sleep(for: .milliseconds(2)) }
            release.signal()
            #expect(try await holder.value == 1)
            #expect(try await after.value == 3)
        }
    }

    @Test func aReadThatFailsLeavesTheOthersOfItsBatchTheirAnswers() async throws {
        try await Self.withDatabase { database in
            let (release, holder) = await Self.holdReadThread(of: database)
            let reads = (0..<5).map { index in
                Task {
                    try await database.read { db -> Int in
                        if index == 2 { _ = try Int.fetchOne(db, sql: "SELECT value FROM missing_table") }
                        return try Self.value(in: db)
                    }
                }
            }
            while database.queuedReads < reads.count { try await Task.sleep(for: .milliseconds(2)) }
            release.signal()
            _ = try await holder.value
            for (index, read) in reads.enumerated() {
                if index == 2 {
                    await #expect(throws: DatabaseError.self) { try await read.value }
                } else {
                    #expect(try await read.value == 1)
                }
            }
            // The connection carries no transaction into later reads: a write committed now is seen.
            try await Self.set(4, in: database)
            #expect(try await database.read { db in try Self.value(in: db) } == 4)
        }
    }
}
