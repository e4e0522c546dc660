import CommonAPI
import Storage
import Wire

/// Writes a service's events for Oversight into its outbox, inside the change's own transaction:
/// each event gets the next sequence number of its case and a unique id built from the source,
/// the case and that number, so a redelivered event is recognised by Oversight as a duplicate.
/// (The upsert takes the case's sequence row lock, so concurrent transactions on several
/// PostgreSQL replicas number one case's events one after the other.)
public enum OversightOutbox {
    /// The outbox destination name of Oversight's events.
    public static let destination = "oversight"

    /// The runtime migration creating the per-case sequence table.
    @Sendable package static func createTable(_ db: any SQLConnection) throws {
        try db.execute(
            """
            CREATE TABLE aggregate_sequence (
                aggregate_id TEXT PRIMARY KEY,
                last_sequence BIGINT NOT NULL
            )
            """)
    }

    /// The runtime migration keeping the per-case numbers in one b-tree on SQLite (issue 15): a
    /// table keyed by text was a rowid table plus an index on its key, two pages written for each
    /// case a command numbers; `WITHOUT ROWID` it is the key's b-tree alone. PostgreSQL has no
    /// such distinction and keeps its table.
    @Sendable package static func rebuildWithoutRowID(_ db: any SQLConnection) throws {
        guard db.sqlDialect == .sqlite else { return }
        try db.executeAll([
            """
            CREATE TABLE aggregate_sequence_rebuilt (
                aggregate_id TEXT PRIMARY KEY,
                last_sequence BIGINT NOT NULL
            ) WITHOUT ROWID
            """,
            """
            INSERT INTO aggregate_sequence_rebuilt (aggregate_id, last_sequence)
            SELECT aggregate_id, last_sequence FROM aggregate_sequence
            """,
            "DROP TABLE aggregate_sequence",
            "ALTER TABLE aggregate_sequence_rebuilt RENAME TO aggregate_sequence",
        ])
    }

    /// Numbers `events` within their cases and adds them to the outbox for Oversight.
    public static func record(_ events: [Event], in db: some SQLConnection) throws {
        for var event in events {
            let sequence =
                try db.fetchOne(
                    """
                    INSERT INTO aggregate_sequence (aggregate_id, last_sequence) VALUES (?, 1)
                    ON CONFLICT (aggregate_id) DO UPDATE SET last_sequence = aggregate_sequence.last_sequence + 1
                    RETURNING last_sequence
                    """,
                    ["\(event.aggregateType)/\(event.aggregateID)"]
                )?.int64(0) ?? 1
            event.aggregateSequence = sequence
            event.eventID = "\(event.sourceService):\(event.aggregateType):\(event.aggregateID):\(sequence)"
            try Outbox.enqueue(
                eventID: event.eventID, aggregateID: event.aggregateID, destination: destination,
                payload: event.serializedBytes(), in: db)
        }
    }
}
