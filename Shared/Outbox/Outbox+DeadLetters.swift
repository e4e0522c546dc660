import Foundation
import Storage

extension Outbox {
    /// The runtime migration creating the dead-letter table: events a receiver refused for good,
    /// moved out of the outbox (so delivery goes on past them) and kept whole, with why, for
    /// someone to look at.
    @Sendable package static func createDeadLetterTable(_ db: any SQLConnection) throws {
        try db.executeAll([
            """
            CREATE TABLE outbox_dead_letter (
                sequence BIGINT PRIMARY KEY,
                event_id TEXT NOT NULL,
                aggregate_id TEXT NOT NULL,
                destination TEXT NOT NULL,
                payload \(db.sqlDialect.blob) NOT NULL,
                created_at DOUBLE PRECISION NOT NULL,
                attempts BIGINT NOT NULL,
                parked_at DOUBLE PRECISION NOT NULL,
                failure TEXT NOT NULL
            )
            """,
            "CREATE INDEX outbox_dead_letter_destination ON outbox_dead_letter (destination)",
        ])
    }

    /// Moves `message` from the outbox to the dead letters with the receiver's `failure`; returns
    /// how many dead letters its destination now has.
    static func park(_ message: OutboxMessage, failure: String, in db: some SQLConnection) throws -> Int {
        try db.execute(
            """
            INSERT INTO outbox_dead_letter
                (sequence, event_id, aggregate_id, destination, payload, created_at, attempts, parked_at, failure)
            SELECT sequence, event_id, aggregate_id, destination, payload, created_at, attempts + 1, ?, ?
            FROM outbox WHERE sequence = ? AND event_id = ?
            """,
            [Date().timeIntervalSince1970, failure, message.sequence, message.eventID])
        try db.execute("DELETE FROM outbox WHERE sequence = ? AND event_id = ?", [message.sequence, message.eventID])
        return try deadLetterCount(for: message.destination, in: db)
    }

    /// How many events for `destination` were refused for good and parked.
    public static func deadLetterCount(for destination: String, in db: some SQLConnection) throws -> Int {
        try db.fetchCount("SELECT COUNT(*) FROM outbox_dead_letter WHERE destination = ?", [destination])
    }

    /// The event ids parked for `destination`, oldest first.
    public static func deadLetterIDs(for destination: String, in db: some SQLConnection) throws -> [String] {
        try db.fetchRows(
            "SELECT event_id FROM outbox_dead_letter WHERE destination = ? ORDER BY sequence", [destination]
        ).map { try $0.string(0) }
    }
}
