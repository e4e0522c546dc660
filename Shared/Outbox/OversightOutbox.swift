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

    /// Numbers `events` within their cases and adds them to the outbox for Oversight. Each case's
    /// numbers are taken at once, one statement per case however many of its events there are
    /// (a reported issue has four), and given to its events in order: the same numbers as one
    /// statement per event gave.
    public static func record(_ events: [Event], in db: some SQLConnection) throws {
        var counts: [String: Int64] = [:]
        var cases: [String] = []
        for event in events {
            let key = caseKey(event)
            if counts[key] == nil { cases.append(key) }
            counts[key, default: 0] += 1
        }
        // The first number taken for each case, and how many of them its events got so far.
        var first: [String: Int64] = [:]
        var given: [String: Int64] = [:]
        for key in cases {
            let count = counts[key] ?? 1
            let last = try db.fetchOne(reserve, [key, count])?.int64(0) ?? count
            // A stored number below the count is a damaged row (and would underflow).
            guard last >= count else {
                throw StoredValueError(column: 0, expected: "a case number of at least \(count)")
            }
            first[key] = last - (count - 1)
        }
        var numbered: [Outbox.NewEvent] = []
        numbered.reserveCapacity(events.count)
        for var event in events {
            let key = caseKey(event)
            // At most the last number taken: first + (count - 1).
            let sequence = (first[key] ?? 1) + (given[key] ?? 0)
            given[key, default: 0] += 1
            event.aggregateSequence = sequence
            event.eventID = "\(event.sourceService):\(event.aggregateType):\(event.aggregateID):\(sequence)"
            numbered.append(
                Outbox.NewEvent(
                    eventID: event.eventID, aggregateID: event.aggregateID, payload: event.serializedBytes()))
        }
        try Outbox.enqueue(numbered, to: destination, in: db)
    }

    /// Takes the next `?` numbers of case `?`, returning the last of them.
    private static let reserve = """
        INSERT INTO aggregate_sequence (aggregate_id, last_sequence) VALUES (?, ?)
        ON CONFLICT (aggregate_id) DO UPDATE SET last_sequence = aggregate_sequence.last_sequence + excluded.last_sequence
        RETURNING last_sequence
        """

    /// The key of `event`'s case in `aggregate_sequence`.
    private static func caseKey(_ event: Event) -> String {
        "\(event.aggregateType)/\(event.aggregateID)"
    }
}
