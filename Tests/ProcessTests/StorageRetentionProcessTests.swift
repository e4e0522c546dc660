import Foundation
import GRDB
import Runtime
import Storage
import TestSupport
import Testing

/// A service process prunes its database in the background with the retention its flags give:
/// old idempotency records and old delivered outbox events go, recent ones and pending events stay.
@Suite struct StorageRetentionProcessTests {
    @Test func theOrdersProcessPrunesWhatIsPastItsRetention() async throws {
        let directory = NSTemporaryDirectory() + "retention-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let now = Date().timeIntervalSince1970
        let seeded = try ServiceDatabase(directory: directory, name: "orders", migrations: [])
        try await seeded.write { db in
            for (key, age) in [("old", 30.0 * 3_600), ("recent", 0.5 * 3_600)] {
                try db.execute(
                    sql: """
                        INSERT INTO idempotency (key, method, request_hash, response, created_at)
                        VALUES (?, 'm', x'00', x'00', ?)
                        """, arguments: [key, now - age])
            }
            for (sequence, id, deliveredAge) in [(1, "delivered-old", 3.0 * 3_600), (2, "delivered-recent", 60.0)] {
                try db.execute(
                    sql: """
                        INSERT INTO outbox_delivered
                            (sequence, event_id, aggregate_id, destination, payload, created_at, attempts, delivered_at)
                        VALUES (?, ?, 'case', 'nowhere', x'00', ?, 0, ?)
                        """, arguments: [sequence, id, now - 4 * 3_600, now - deliveredAge])
            }
            try db.execute(
                sql: """
                    INSERT INTO outbox (sequence, event_id, aggregate_id, destination, payload, created_at)
                    VALUES (3, 'pending', 'case', 'nowhere', x'00', ?)
                    """, arguments: [now - 4 * 3_600])
        }
        seeded.close()

        let process = try ChildProcess(
            "orders",
            [
                "--port", "0", "--data-dir", directory, "--idempotency-retention-hours", "24",
                "--outbox-retention-hours", "1",
            ])
        _ = try await process.waitForPort()
        var configuration = Configuration()
        configuration.readonly = true
        let reader = try DatabasePool(path: "\(directory)/orders.sqlite", configuration: configuration)
        func remaining() throws -> (keys: [String], events: [String]) {
            try reader.read { db in
                (
                    try String.fetchAll(db, sql: "SELECT key FROM idempotency ORDER BY key"),
                    try String.fetchAll(
                        db,
                        sql: """
                            SELECT event_id FROM (SELECT sequence, event_id FROM outbox_delivered
                                UNION ALL SELECT sequence, event_id FROM outbox) ORDER BY sequence
                            """)
                )
            }
        }
        var left = try remaining()
        for _ in 0..<300 where left.keys.contains("old") || left.events.contains("delivered-old") {
            try await Task.sleep(for: .milliseconds(100))
            left = try remaining()
        }
        #expect(left.keys == ["recent"])
        #expect(left.events == ["delivered-recent", "pending"])
        try reader.close()
        process.send(SIGTERM)
        #expect(try await process.waitForExit() == 0)
    }
}
