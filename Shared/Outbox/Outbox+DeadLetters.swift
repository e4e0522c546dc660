import Foundation
import GRDB

extension Outbox {
    /// The runtime migration creating the dead-letter table: events a receiver refused for good,
    /// moved out of the outbox (so delivery goes on past them) and kept whole, with why, for
    /// someone to look at.
    @Sendable package static func createDeadLetterTable(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE outbox_dead_letter (
                    sequence INTEGER PRIMARY KEY,
                    event_id TEXT NOT NULL,
                    aggregate_id TEXT NOT NULL,
                    destination TEXT NOT NULL,
                    payload BLOB NOT NULL,
                    created_at REAL NOT NULL,
                    attempts INTEGER NOT NULL,
                    parked_at REAL NOT NULL,
                    failure TEXT NOT NULL
                );
                CREATE INDEX outbox_dead_letter_destination ON outbox_dead_letter (destination);
                """)
    }

    /// Moves `message` from the outbox to the dead letters with the receiver's `failure`; returns
    /// how many dead letters its destination now has.
    static func park(_ message: OutboxMessage, failure: String, in db: Database) throws -> Int {
        try db.execute(
            sql: """
                INSERT INTO outbox_dead_letter
                    (sequence, event_id, aggregate_id, destination, payload, created_at, attempts, parked_at, failure)
                SELECT sequence, event_id, aggregate_id, destination, payload, created_at, attempts + 1, ?, ?
                FROM outbox WHERE sequence = ?
                """,
            arguments: [Date().timeIntervalSince1970, failure, message.sequence])
        try db.execute(sql: "DELETE FROM outbox WHERE sequence = ?", arguments: [message.sequence])
        return try deadLetterCount(for: message.destination, in: db)
    }

    /// How many events for `destination` were refused for good and parked.
    public static func deadLetterCount(for destination: String, in db: Database) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM outbox_dead_letter WHERE destination = ?", arguments: [destination]) ?? 0
    }

    /// The event ids parked for `destination`, oldest first.
    public static func deadLetterIDs(for destination: String, in db: Database) throws -> [String] {
        try String.fetchAll(
            db, sql: "SELECT event_id FROM outbox_dead_letter WHERE destination = ? ORDER BY sequence",
            arguments: [destination])
    }
}
