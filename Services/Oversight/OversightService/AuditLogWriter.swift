import CommonAPI
import Foundation
import OversightAPI
import OversightDomain
import Runtime
import Storage
import SupportPolicy
import Wire

/// Appends events to the hash-chained audit log inside the caller's write transaction, and files
/// each event's report facts beside it. Event ids live in their source service's namespace: an
/// event whose (source_service, event_id) is already in the log (or earlier in the same batch) is
/// a duplicate: counted, not appended. The head (last sequence and hash) is also kept in its own
/// row, so a log cut short at its end is detected too.
///
/// One chain whatever the number of replicas appending on one database: an append first takes the
/// chain's transaction-scoped lock (``SQLConnection/lock(named:)``, `pg_advisory_xact_lock` on
/// PostgreSQL; SQLite's writes are serialized already), then reads the head and the duplicates in
/// the same transaction, so appenders on several replicas take turns and each extends the head
/// the previous one committed. A batch costs a handful of statements on PostgreSQL, one per row
/// on SQLite (in-process, where a cached statement per row is cheapest). PostgreSQL's fast path:
/// the batch's keys are looked up in one statement and its records, facts and cases written in
/// one statement each, the rows bound as arrays (``SQLInsert``); multi-row `VALUES` of the same
/// rows spent most of the chain's locked time in PostgreSQL's parser and planner.
struct AuditLogWriter {
    /// The connection, in a write transaction.
    let db: any SQLConnection

    /// The name of the lock appenders take turns on.
    static let chainLock = "oversight-audit-chain"

    /// What an append did.
    struct Outcome: Sendable {
        var accepted = 0
        var duplicates = 0
        var lastSequence: Int64 = 0
        /// The hash of record ``lastSequence`` (the genesis hash for an empty log).
        var lastHash = AuditChain.genesis
        /// The latest signed checkpoint after the append.
        var checkpoint: AuditCheckpoint?
    }

    /// Events to append, and when they are recorded.
    struct Batch: Sendable {
        var events: [Event]
        var now: Date
    }

    /// Appends `events`, recorded at `now`.
    func append(_ events: [Event], at now: Date) throws -> Outcome {
        try append([Batch(events: events, now: now)]).first ?? Outcome()
    }

    /// Appends `batches` one after the other, as if each were appended alone (an event in two of
    /// them is a duplicate in the later one); returns each one's outcome.
    ///
    /// Only what needs the chain is done holding its lock. Before: each event's encoding and, on
    /// PostgreSQL, looking the keys up (a redelivery is found there without holding up the other
    /// appenders). Holding it: the head is read and the records are chained and written (on
    /// PostgreSQL in one statement that skips keys logged meanwhile: should it skip any, the
    /// records are taken back and chained again with the keys looked up once more, now under the
    /// lock), then the facts, cases and head.
    func append(_ batches: [Batch]) throws -> [Outcome] {
        let encoded = batches.map { $0.events.map { $0.serializedBytes() } }
        let bulk = db.sqlDialect == .postgres
        var logged = bulk ? try self.logged(batches.flatMap(\.events)) : []
        try db.lock(named: Self.chainLock)
        let start = try head()
        while true {
            let chained = try chain(batches, encoded, after: start, skipping: logged, writing: !bulk)
            if bulk, try Self.records.run(chained.logRows, on: db) != chained.logRows.count {
                try db.execute("DELETE FROM audit_log WHERE sequence > ?", [start.sequence])
                logged = try self.logged(batches.flatMap(\.events))
                continue
            }
            try Self.facts.run(chained.facts.factRows, on: db)
            try Self.cases.run(chained.facts.caseRows, on: db)
            for (sql, arguments) in chained.facts.refundStatements {
                try db.execute(sql, arguments)
            }
            if let last = chained.outcomes.last, last.lastSequence > start.sequence {
                try db.execute(
                    """
                    INSERT INTO audit_head (id, sequence, hash) VALUES (1, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash
                    """,
                    [last.lastSequence, last.lastHash])
            }
            return chained.outcomes
        }
    }

    /// Batches' records chained after the head, with their facts.
    private struct Chained {
        /// Each batch's outcome.
        var outcomes: [Outcome] = []
        /// The records' rows (``records``), when not written one by one.
        var logRows: [[any SQLBindable]] = []
        var facts = AuditFacts()
    }

    /// Chains `batches` (their events encoded as `encoded`) after `head`, skipping events whose
    /// keys are in `logged` or earlier in the batches. With `writing` (SQLite) each record is
    /// written at once, and an event the insert finds logged already is a duplicate too;
    /// otherwise the records' rows are returned for writing in bulk.
    private func chain(
        _ batches: [Batch], _ encoded: [[[UInt8]]], after head: (sequence: Int64, hash: [UInt8]),
        skipping logged: Set<[[UInt8]]>, writing: Bool
    ) throws -> Chained {
        var chained = Chained()
        var seen = logged
        var (sequence, previous) = head
        for (batch, encoded) in zip(batches, encoded) {
            let nanos = Int64((batch.now.timeIntervalSince1970 * 1_000_000_000).rounded())
            var outcome = Outcome()
            for (event, bytes) in zip(batch.events, encoded) {
                guard seen.insert(Self.key(event)).inserted else {
                    outcome.duplicates += 1
                    continue
                }
                let next = sequence + 1
                let hash = AuditChain.hash(previous: previous, sequence: next, recordedAtNanos: nanos, event: bytes)
                let row: [any SQLBindable] = [
                    next, event.sourceService, event.eventID, event.aggregateID, nanos, bytes, previous, hash,
                ]
                if writing {
                    guard try db.execute(Self.insertOneRecord, row) == 1 else {
                        outcome.duplicates += 1
                        continue
                    }
                } else {
                    chained.logRows.append(row)
                }
                try chained.facts.file(event, sequence: next)
                sequence = next
                previous = hash
                outcome.accepted += 1
            }
            outcome.lastSequence = sequence
            outcome.lastHash = previous
            chained.outcomes.append(outcome)
        }
        return chained
    }

    /// The latest signed checkpoint, after signing a new one of the current head if `checkpointing`
    /// has a key and the last one is `everyEvents` events behind or `everySeconds` old. Called after
    /// ``append(_:at:)`` in the same transaction (holding the chain's lock), with the head it
    /// left (read again if not given).
    func checkpoint(
        at now: Date, with checkpointing: AuditCheckpointing, head known: (sequence: Int64, hash: [UInt8])? = nil
    ) throws -> AuditCheckpoint? {
        let latest = try db.fetchOne("SELECT body FROM audit_checkpoints ORDER BY sequence DESC LIMIT 1").map {
            try AuditCheckpoint(serializedBytes: $0.bytes(0))
        }
        guard let key = checkpointing.key else { return latest }
        let (sequence, hash) = try known ?? head()
        guard sequence > 0 else { return latest }
        if let latest {
            let behind = sequence - latest.sequence
            let age = now.timeIntervalSince1970 - (latest.signedAt?.date.timeIntervalSince1970 ?? 0)
            let due =
                behind >= Int64(checkpointing.everyEvents) || (behind > 0 && age >= Double(checkpointing.everySeconds))
            guard due else { return latest }
        }
        let checkpoint = try AuditCheckpoint.signed(sequence: sequence, headHash: hash, at: now, by: key)
        try db.execute(
            "INSERT INTO audit_checkpoints (sequence, body) VALUES (?, ?) ON CONFLICT (sequence) DO NOTHING",
            [sequence, checkpoint.serializedBytes()])
        return checkpoint
    }

    /// The last record's sequence and hash (0 and the genesis hash for an empty log).
    func head() throws -> (sequence: Int64, hash: [UInt8]) {
        guard let row = try db.fetchOne("SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1")
        else { return (0, AuditChain.genesis) }
        return (try row.int64(0), try row.bytes(1))
    }

    /// The audit records' table and columns.
    static let recordColumns =
        "audit_log (sequence, source_service, event_id, aggregate_id, recorded_at_ns, event, previous_hash, hash)"

    /// The audit records' types.
    static let recordTypes: [SQLArray.Element] = [.integer, .text, .text, .text, .integer, .blob, .blob, .blob]

    /// Writes audit records, skipping any whose event is logged already: on SQLite one at a time
    /// (``insertOneRecord``, how a duplicate is found there), on PostgreSQL a batch at a time (one
    /// found logged there means the batch must be chained again: see ``append(_:at:)``).
    static let records = SQLInsert(
        into: recordColumns, types: recordTypes, suffix: " ON CONFLICT (source_service, event_id) DO NOTHING")

    /// One record (SQLite).
    static let insertOneRecord = records.oneRow

    /// Writes report facts (``AuditFacts/factRows``).
    static let facts = SQLInsert(
        into: """
            event_facts (sequence, occurred_at, kind, category, region, value_band, age_band, favorable, followed,
                value_minor, currency)
            """,
        types: [.integer, .real, .integer, .text, .text, .text, .text, .integer, .integer, .integer, .text])

    /// Writes cases (``AuditFacts/caseRows``): a case already stored keeps each time it has.
    static let cases = SQLInsert(
        into: "cases (case_key, customer_id, opened_at, first_response_at, resolved_at)",
        types: [.text, .text, .real, .real, .real],
        suffix: """
             ON CONFLICT (case_key) DO UPDATE SET opened_at = COALESCE(cases.opened_at, excluded.opened_at),
                first_response_at = COALESCE(cases.first_response_at, excluded.first_response_at),
                resolved_at = COALESCE(cases.resolved_at, excluded.resolved_at)
            """)

    /// An event's key in the log: its source service and its id.
    static func key(_ event: Event) -> [[UInt8]] {
        key(event.sourceService, event.eventID)
    }

    /// A key by its UTF-8 bytes, as the database compares it: Swift's `String` equality is
    /// canonical equivalence ("caf\u{E9}" == "cafe\u{301}"), under which two ids the log
    /// keeps apart would count as one and the second event would be dropped as a duplicate.
    static func key(_ sourceService: String, _ eventID: String) -> [[UInt8]] {
        [Array(sourceService.utf8), Array(eventID.utf8)]
    }

    /// The keys of `events` already in the log (PostgreSQL: the keys, bound as two arrays, each
    /// looked up in the log's unique index, in one statement). The lookup is a `LATERAL` one with
    /// `LIMIT 1` so that it stays one index probe per key: as a plain join, PostgreSQL's planner
    /// chose (once the log was analyzed) to hash the whole log for a batch of a thousand keys,
    /// a scan growing with the log, in the chain's critical path.
    private func logged(_ events: [Event]) throws -> Set<[[UInt8]]> {
        let keys = events.map { [$0.sourceService, $0.eventID] as [any SQLBindable] }
        let rows = try db.fetchRows(
            """
            SELECT logged.source_service, logged.event_id
            FROM unnest(?::text[], ?::text[]) AS keys (source_service, event_id)
            CROSS JOIN LATERAL (
                SELECT source_service, event_id FROM audit_log
                WHERE audit_log.source_service = keys.source_service AND audit_log.event_id = keys.event_id LIMIT 1
            ) AS logged
            """, try SQLArray.columns(of: keys, as: [.text, .text]))
        return Set(try rows.map { Self.key(try $0.string(0), try $0.string(1)) })
    }
}
