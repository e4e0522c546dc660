import Foundation
import GRDB
import Storage
import Testing

@testable import Runtime

/// Pruning idempotency records in the order stored (runtime-9, SQLite): one record stamped ahead
/// of the records stored after it (the wall clock stepped back) among the oldest, still within
/// retention, and three chunks of expired records behind it: one prune removes all of those and
/// keeps it (an outside review found it held all but one chunk).
@Suite struct StorageRetentionStoredOrderTests {
    @Test func oneRecordStampedAheadDoesNotHoldPruningOfAllOthers() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retention-\(UUID())").path
        let database = try ServiceDatabase(directory: directory, name: "test", migrations: [])
        defer {
            database.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
        let now = Date(timeIntervalSince1970: 1_790_812_800)
        let day = 86_400.0
        let t = now.timeIntervalSince1970
        let old = StorageRetention.chunk * 3
        try await database.write { db in
            // Stored first, with a clock a day ahead (corrected right after).
            try db.execute(
                sql:
                    "INSERT INTO idempotency (key, method, request_hash, response, created_at) VALUES ('ahead', 'm', x'00', x'00', ?)",
                arguments: [t - 5 * day])
            for index in 0..<old {
                try db.execute(
                    sql:
                        "INSERT INTO idempotency (key, method, request_hash, response, created_at) VALUES (?, 'm', x'00', x'00', ?)",
                    arguments: ["old-\(index)", t - 8 * day])
            }
        }
        let retention = StorageRetention(idempotency: .seconds(7 * 86_400), deliveredOutbox: .seconds(86_400))
        let pruned = try await retention.prune(database, now: now)
        let left = try await database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM idempotency") }
        #expect(pruned.idempotency == old, "records past retention kept behind one stamped ahead")
        #expect(left == 1)
        let kept = try await database.read { db in try String.fetchOne(db, sql: "SELECT key FROM idempotency") }
        #expect(kept == "ahead")
    }
}
