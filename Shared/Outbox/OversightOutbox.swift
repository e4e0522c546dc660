import CommonAPI
import GRDB
import Wire

/// Writes a service's events for Oversight into its outbox, inside the change's own transaction:
/// each event gets the next sequence number of its case and a unique id built from the source,
/// the case and that number, so a redelivered event is recognised by Oversight as a duplicate.
public enum OversightOutbox {
    /// The outbox destination name of Oversight's events.
    public static let destination = "oversight"

    /// The runtime migration creating the per-case sequence table.
    @Sendable package static func createTable(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE aggregate_sequence (
                    aggregate_id TEXT PRIMARY KEY,
                    last_sequence INTEGER NOT NULL
                )
                """)
    }

    /// Numbers `events` within their cases and adds them to the outbox for Oversight.
    public static func record(_ events: [Event], in db: Database) throws {
        for var event in events {
            let sequence =
                try Int64.fetchOne(
                    db,
                    sql: """
                        INSERT INTO aggregate_sequence (aggregate_id, last_sequence) VALUES (?, 1)
                        ON CONFLICT (aggregate_id) DO UPDATE SET last_sequence = last_sequence + 1
                        RETURNING last_sequence
                        """,
                    arguments: ["\(event.aggregateType)/\(event.aggregateID)"]) ?? 1
            event.aggregateSequence = sequence
            event.eventID = "\(event.sourceService):\(event.aggregateType):\(event.aggregateID):\(sequence)"
            try Outbox.enqueue(
                eventID: event.eventID, aggregateID: event.aggregateID, destination: destination,
                payload: event.serializedBytes(), in: db)
        }
    }
}
