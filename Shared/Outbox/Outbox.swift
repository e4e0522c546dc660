import Foundation
import Storage

/// The transactional outbox: events are inserted in the same write transaction as the change
/// (so a change is never recorded without its events, nor the reverse), and an ``OutboxRelay``
/// delivers them later, at least once, in order. The SQL is written once for SQLite and
/// PostgreSQL (``SQLConnection``).
public enum Outbox {
    /// The runtime migration creating the outbox table.
    @Sendable package static func createTable(_ db: any SQLConnection) throws {
        try db.executeAll([
            """
            CREATE TABLE outbox (
                sequence \(db.sqlDialect.autoIncrementingKey),
                event_id TEXT NOT NULL UNIQUE,
                aggregate_id TEXT NOT NULL,
                destination TEXT NOT NULL,
                payload \(db.sqlDialect.blob) NOT NULL,
                created_at DOUBLE PRECISION NOT NULL,
                attempts BIGINT NOT NULL DEFAULT 0,
                delivered_at DOUBLE PRECISION
            )
            """,
            "CREATE INDEX outbox_pending ON outbox (destination, sequence) WHERE delivered_at IS NULL",
        ])
    }

    /// Adds an event inside the caller's write transaction, numbered after every event in the
    /// outbox and in the dead letters (so in the order events are added, and never the number of
    /// a pending or parked event).
    public static func enqueue(
        eventID: String, aggregateID: String, destination: String, payload: [UInt8], in db: some SQLConnection
    ) throws {
        try enqueue([NewEvent(eventID: eventID, aggregateID: aggregateID, payload: payload)], to: destination, in: db)
    }

    /// An event to add: its id, its case and its encoding.
    public struct NewEvent: Sendable {
        /// The event's unique id.
        public var eventID: String
        /// The case it belongs to.
        public var aggregateID: String
        /// The encoded event.
        public var payload: [UInt8]

        /// An event with these parts.
        public init(eventID: String, aggregateID: String, payload: [UInt8]) {
            self.eventID = eventID
            self.aggregateID = aggregateID
            self.payload = payload
        }
    }

    /// Adds `events` for `destination` in one statement (a command's events are several: a
    /// reported issue has four), numbered in the order given after every event in the outbox and
    /// the dead letters. On SQLite the numbers are taken first (``nextNumber``); PostgreSQL's
    /// identity column numbers the rows in the order listed.
    public static func enqueue(_ events: [NewEvent], to destination: String, in db: some SQLConnection) throws {
        let now = Date().timeIntervalSince1970
        let numbering = db.sqlDialect == .sqlite
        for start in stride(from: 0, to: events.count, by: maximumRowsPerInsert) {
            let chunk = events[start..<min(start + maximumRowsPerInsert, events.count)]
            var arguments: [any SQLBindable] = []
            arguments.reserveCapacity(chunk.count * 6)
            if numbering {
                let first = try db.fetchOne(nextNumber)?.int64(0) ?? 1
                // A stored number this close to the top is a damaged row (and would overflow).
                guard first > 0, first <= Int64.max - Int64(chunk.count) else {
                    throw StoredValueError(column: 0, expected: "an outbox number with room for \(chunk.count) more")
                }
                for (offset, event) in chunk.enumerated() {
                    arguments += [
                        first + Int64(offset), event.eventID, event.aggregateID, destination, event.payload, now,
                    ]
                }
            } else {
                for event in chunk { arguments += [event.eventID, event.aggregateID, destination, event.payload, now] }
            }
            try db.execute(
                numbering ? numberedInserts[chunk.count] : unnumberedInserts[chunk.count], arguments)
        }
    }

    /// The most events one insert adds (a command's are a handful; more go in several inserts).
    static let maximumRowsPerInsert = 16

    /// The inserts of 0 to ``maximumRowsPerInsert`` events, with their numbers (SQLite) or without.
    private static let numberedInserts = (0...maximumRowsPerInsert).map { insert(rows: $0, numbered: true) }
    private static let unnumberedInserts = (0...maximumRowsPerInsert).map { insert(rows: $0, numbered: false) }

    /// The number after every event in the outbox and the dead letters (SQLite, where the key is a
    /// plain rowid since runtime-8: see ``rebuildWithPlainRowID(_:)``), each found at the end of
    /// its key's b-tree. A plain rowid would be one past the outbox's highest only, and could so
    /// take the number of a parked event.
    private static let nextNumber = """
        SELECT max(coalesce((SELECT max(sequence) FROM outbox), 0),
            coalesce((SELECT max(sequence) FROM outbox_dead_letter), 0)) + 1
        """

    /// The insert of `rows` events, with their numbers (`numbered`) or without.
    private static func insert(rows: Int, numbered: Bool) -> String {
        let row = numbered ? "(?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?)"
        return """
            INSERT INTO outbox (\(numbered ? "sequence, " : "")event_id, aggregate_id, destination, payload, created_at)
            VALUES \(repeatElement(row, count: rows).joined(separator: ", "))
            """
    }

    /// The oldest undelivered events for `destination`, at most `limit`: the outbox holds only
    /// undelivered events (runtime-10), read in its key's order. (With one destination, the only
    /// one today, that is the start of the table; a second would want `(destination, sequence)`
    /// indexed.)
    static func pending(for destination: String, limit: Int, in db: some SQLConnection) throws -> [OutboxMessage] {
        try db.fetchRows(
            """
            SELECT sequence, event_id, aggregate_id, destination, payload FROM outbox
            WHERE destination = ? ORDER BY sequence LIMIT ?
            """,
            [destination, limit]
        ).map { row in
            OutboxMessage(
                sequence: try row.int64(0), eventID: try row.string(1), aggregateID: try row.string(2),
                destination: try row.string(3), payload: try row.bytes(4))
        }
    }

    /// Counts a failed delivery attempt of `messages`.
    static func markAttempted(_ messages: [OutboxMessage], in db: some SQLConnection) throws {
        for message in messages {
            try db.execute(
                "UPDATE outbox SET attempts = attempts + 1 WHERE sequence = ? AND event_id = ?",
                [message.sequence, message.eventID])
        }
    }

    /// How many events for `destination` wait to be delivered.
    public static func pendingCount(for destination: String, in db: some SQLConnection) throws -> Int {
        try db.fetchCount(
            "SELECT COUNT(*) FROM outbox WHERE destination = ?", [destination])
    }
}
