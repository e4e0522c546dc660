import Foundation
import GRDB
import Testing

@testable import Storage

/// Read-your-writes under batching: many callers at once, each writing its own row and reading it
/// back at once (through ``ServiceDatabase/read(_:)`` and ``ServiceDatabase/snapshot(_:)``),
/// while the others' reads keep the read threads batching. Every read must see the caller's own
/// committed write, and the counter every write before it.
@Suite struct ReadYourWritesAttackTests {
    @Test(arguments: [1, 4])
    func everyReadSeesTheCallersOwnCommittedWrite(readThreads: Int) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ryw-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try ServiceDatabase(
            directory: directory, name: "test",
            applying: [
                SchemaMigration("t") { db in
                    try db.execute("CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER NOT NULL)", [])
                }
            ], readThreads: readThreads)
        defer { database.close() }
        let misses = try await withThrowingTaskGroup(of: Int.self) { group in
            for caller in 0..<24 {
                group.addTask {
                    var misses = 0
                    for round in 0..<40 {
                        let key = "c\(caller)"
                        try await database.transaction { db in
                            try db.execute(
                                "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v",
                                [key, round])
                        }
                        let read = try await database.read { db in
                            try Int.fetchOne(db, sql: "SELECT v FROM kv WHERE k = ?", arguments: [key])
                        }
                        if read != round { misses += 1 }
                        let snapped = try await database.snapshot { db in
                            try db.fetchOne("SELECT v FROM kv WHERE k = ?", [key])?.int64(0)
                        }
                        if snapped != Int64(round) { misses += 1 }
                    }
                    return misses
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(misses == 0)
    }
}
