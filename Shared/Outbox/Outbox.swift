import Foundation
import GRDB

/// The transactional outbox: events are inserted in the same write transaction as the change
/// (so a change is never recorded without its events, nor the reverse), and an ``OutboxRelay``
/// delivers them later, at least once, in order.
public enum Outbox {
    /// The runtime migration creating the outbox table.
    @Sendable package static func createTable(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE outbox (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    event_id TEXT NOT NULL UNIQUE,
                    aggregate_id TEXT NOT NULL,
                    destination TEXT NOT NULL,
                    payload BLOB NOT NULL,
                    created_at REAL NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    delivered_at REAL
                );
                CREATE INDEX outbox_pending ON outbox (destination, sequence) WHERE delivered_at IS NULL;
                """)
    }

    /// Adds an event inside the caller's write transaction.
    public static func enqueue(
        eventID: String, aggregateID: String, destination: String, payload: [UInt8], in db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO outbox (event_id, aggregate_id, destination, payload, created_at)
                VALUES (?, ?, ?, ?, ?)
                """,
            arguments: [eventID, aggregateID, destination, Data(payload), Date().timeIntervalSince1970])
    }

    /// The oldest undelivered events for `destination`, at most `limit`.
    static func pending(for destination: String, limit: Int, in db: Database) throws -> [OutboxMessage] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT sequence, event_id, aggregate_id, destination, payload FROM outbox
                WHERE destination = ? AND delivered_at IS NULL ORDER BY sequence LIMIT ?
                """,
            arguments: [destination, limit]
        ).map { row in
            let payload: Data = row["payload"]
            return OutboxMessage(
                sequence: row["sequence"], eventID: row["event_id"], aggregateID: row["aggregate_id"],
                destination: row["destination"], payload: [UInt8](payload))
        }
    }

    /// Marks events delivered, up to and including `sequence`.
    static func markDelivered(_ messages: [OutboxMessage], in db: Database) throws {
        let now = Date().timeIntervalSince1970
        for message in messages {
            try db.execute(
                sql: "UPDATE outbox SET delivered_at = ? WHERE sequence = ?", arguments: [now, message.sequence])
        }
    }

    /// Counts a failed delivery attempt of `messages`.
    static func markAttempted(_ messages: [OutboxMessage], in db: Database) throws {
        for message in messages {
            try db.execute(
                sql: "UPDATE outbox SET attempts = attempts + 1 WHERE sequence = ?", arguments: [message.sequence])
        }
    }

    /// How many events for `destination` wait to be delivered.
    public static func pendingCount(for destination: String, in db: Database) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM outbox WHERE destination = ? AND delivered_at IS NULL",
            arguments: [destination]
        ) ?? 0
    }
}
