import Foundation
import GRDB
import Storage
import Testing

@testable import Outbox
@testable import Runtime

/// Pruning removes idempotency records and delivered outbox events past their retention and keeps
/// everything else: recent records, recent deliveries, pending events and dead letters.
@Suite struct StorageRetentionTests {
    /// Runs `body` with a fresh database with the runtime's tables, removed afterwards.
    static func withDatabase(_ body: (ServiceDatabase) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retention-\(UUID())").path
        let database = try ServiceDatabase(directory: directory, name: "test", migrations: [])
        defer {
            database.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
        try await body(database)
    }

    /// 2026-10-01 00:00 UTC, the tests' "now", and a day in seconds.
    static let now = Date(timeIntervalSince1970: 1_790_812_800)
    static let day = 86_400.0

    /// Stores an idempotency record under `key`, stamped `createdAt` (seconds since 1970).
    static func insertIdempotency(_ key: String, createdAt: Double, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO idempotency (key, method, request_hash, response, created_at)
                VALUES (?, 'm', x'00', x'00', ?)
                """,
            arguments: [key, createdAt])
    }

    @Test func oldRowsArePrunedAndRecentOnesKept() async throws {
        try await Self.withDatabase { database in try await Self.pruneOldRowsAndKeepRecentOnes(database) }
    }

    static func pruneOldRowsAndKeepRecentOnes(_ database: ServiceDatabase) async throws {
        let (now, day) = (Self.now, Self.day)
        let t = now.timeIntervalSince1970
        try await database.write { db in
            // More old idempotency records than one pruning chunk holds.
            for index in 0..<(StorageRetention.chunk * 2 + 1) {
                try Self.insertIdempotency("old-\(index)", createdAt: t - 8 * day, in: db)
            }
            try Self.insertIdempotency("recent", createdAt: t - 6 * day, in: db)
            for (sequence, id, created, delivered) in [
                (1, "delivered-old", t - 3 * day, t - 2 * day), (2, "delivered-recent", t - 3 * day, t - 0.5 * day),
            ] {  // as the relay moves them
                try db.execute(
                    sql: """
                        INSERT INTO outbox_delivered
                            (sequence, event_id, aggregate_id, destination, payload, created_at, attempts, delivered_at)
                        VALUES (?, ?, 'case', 'oversight', x'00', ?, 0, ?)
                        """, arguments: [sequence, id, created, delivered])
            }
            try Outbox.enqueue(
                eventID: "pending-old", aggregateID: "case", destination: "oversight", payload: [0], in: db)
            try db.execute(
                sql: "UPDATE outbox SET created_at = ? WHERE event_id = 'pending-old'", arguments: [t - 30 * day])
            try Outbox.enqueue(
                eventID: "parked-old", aggregateID: "case", destination: "oversight", payload: [0], in: db)
            let parked = try #require(try Outbox.pending(for: "oversight", limit: 10, in: db).last)
            _ = try Outbox.park(parked, failure: "INVALID_ARGUMENT: bad", in: db)
            try db.execute(
                sql: "UPDATE outbox_dead_letter SET parked_at = ?, created_at = ?",
                arguments: [t - 30 * day, t - 30 * day])
        }
        let retention = StorageRetention(idempotency: .seconds(7 * 86_400), deliveredOutbox: .seconds(86_400))

        let pruned = try await retention.prune(database, now: now)

        #expect(pruned == StorageRetention.Pruned(idempotency: StorageRetention.chunk * 2 + 1, deliveredOutbox: 1))
        let keys = try await database.read { db in try String.fetchAll(db, sql: "SELECT key FROM idempotency") }
        #expect(keys == ["recent"])
        let (pending, delivered) = try await database.read { db in
            (
                try String.fetchAll(db, sql: "SELECT event_id FROM outbox ORDER BY sequence"),
                try String.fetchAll(db, sql: "SELECT event_id FROM outbox_delivered ORDER BY delivery")
            )
        }
        #expect(pending == ["pending-old"])
        #expect(delivered == ["delivered-recent"])
        #expect(try await database.read { db in try Outbox.deadLetterIDs(for: "oversight", in: db) } == ["parked-old"])
        #expect(try await retention.prune(database, now: now) == StorageRetention.Pruned())
    }

    @Test func retentionsComeFromFlagsOrTheEnvironmentWithDefaults() throws {
        let base = ["--port", "1", "--data-dir", "d"]
        let defaults = try ServiceConfiguration.load(arguments: base, environment: [:])
        #expect(defaults.idempotencyRetention == .seconds(7 * 86_400))
        #expect(defaults.deliveredOutboxRetention == .seconds(86_400))
        let configured = try ServiceConfiguration.load(
            arguments: base + ["--idempotency-retention-hours", "48"],
            environment: ["SUPPORT_OUTBOX_RETENTION_HOURS": "2", "SUPPORT_IDEMPOTENCY_RETENTION_HOURS": "1"])
        #expect(configured.idempotencyRetention == .seconds(48 * 3_600))
        #expect(configured.deliveredOutboxRetention == .seconds(2 * 3_600))
        for (flag, value) in [("--idempotency-retention-hours", "0"), ("--outbox-retention-hours", "9000")] {
            #expect(
                throws: ConfigurationError(
                    setting: flag, problem: "'\(value)' is not a number of hours between 1 and 8760")
            ) {
                try ServiceConfiguration.load(arguments: base + [flag, value], environment: [:])
            }
        }
    }

    /// Pruning idempotency records in the order stored (runtime-9, SQLite): one record stamped
    /// ahead of those stored after it (the wall clock stepped back), still within retention, and
    /// three chunks of expired records behind it: one prune removes all of those and keeps it (an
    /// outside review found it held all but one chunk).
    @Test func oneRecordStampedAheadDoesNotHoldPruningOfAllOthers() async throws {
        try await Self.withDatabase { database in try await Self.pruneBehindARecordStampedAhead(database) }
    }

    static func pruneBehindARecordStampedAhead(_ database: ServiceDatabase) async throws {
        let (now, day) = (Self.now, Self.day)
        let t = now.timeIntervalSince1970
        let old = StorageRetention.chunk * 3
        try await database.write { db in
            // Stored first, with a clock a day ahead (corrected right after).
            try Self.insertIdempotency("ahead", createdAt: t - 5 * day, in: db)
            for index in 0..<old {
                try Self.insertIdempotency("old-\(index)", createdAt: t - 8 * day, in: db)
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
