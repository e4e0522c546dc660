import Storage

extension Outbox {
    /// The runtime migration taking two b-trees out of every command's commit (issue 15): the
    /// unique index on `event_id` and, on SQLite, `AUTOINCREMENT`'s `sqlite_sequence` row, each a
    /// page written per command (the index on a random key, splitting often), while nothing
    /// reads either. Event ids are unique by construction (``OversightOutbox`` builds each from
    /// its case's next number, taken under that case's row lock), and on SQLite
    /// ``enqueue(eventID:aggregateID:destination:payload:in:)`` numbers events itself, after
    /// every event in the outbox and the dead letters, so they stay in the order they were added
    /// and never reuse a parked event's number. (The number of an event delivered and pruned
    /// since may come again: nothing refers to it any more.)
    ///
    /// SQLite cannot drop a column's constraint: the table is rebuilt with its rows (same
    /// numbers, so the order of delivery is unchanged) and its indexes. PostgreSQL drops the
    /// constraint; its identity column stays.
    @Sendable package static func rebuildWithPlainRowID(_ db: any SQLConnection) throws {
        guard db.sqlDialect == .sqlite else {
            try db.execute("ALTER TABLE outbox DROP CONSTRAINT IF EXISTS outbox_event_id_key")
            return
        }
        try db.executeAll([
            """
            CREATE TABLE outbox_rebuilt (
                sequence INTEGER PRIMARY KEY,
                event_id TEXT NOT NULL,
                aggregate_id TEXT NOT NULL,
                destination TEXT NOT NULL,
                payload BLOB NOT NULL,
                created_at DOUBLE PRECISION NOT NULL,
                attempts BIGINT NOT NULL DEFAULT 0,
                delivered_at DOUBLE PRECISION
            )
            """,
            """
            INSERT INTO outbox_rebuilt
                (sequence, event_id, aggregate_id, destination, payload, created_at, attempts, delivered_at)
            SELECT sequence, event_id, aggregate_id, destination, payload, created_at, attempts, delivered_at
            FROM outbox ORDER BY sequence
            """,
            "DROP TABLE outbox",
            "ALTER TABLE outbox_rebuilt RENAME TO outbox",
            "CREATE INDEX outbox_pending ON outbox (destination, sequence) WHERE delivered_at IS NULL",
            "CREATE INDEX outbox_delivered_at ON outbox (delivered_at) WHERE delivered_at IS NOT NULL",
        ])
    }
}
