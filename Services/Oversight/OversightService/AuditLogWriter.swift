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
/// the previous one committed. A batch costs a handful of statements on PostgreSQL (its keys looked
/// up and its rows written many per statement), one per row on SQLite (in-process, where a cached
/// statement per row is cheapest).
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
        /// The latest signed checkpoint after the append.
        var checkpoint: AuditCheckpoint?
    }

    /// Rows per multi-row statement: one on SQLite (cached statements), a few hundred on
    /// PostgreSQL (round trips are what costs there).
    var rowsPerStatement: Int { db.sqlDialect == .sqlite ? 1 : 200 }

    /// Appends `events`, recorded at `now`.
    func append(_ events: [Event], at now: Date) throws -> Outcome {
        try db.lock(named: Self.chainLock)
        var (sequence, previous) = try head()
        var outcome = Outcome()
        let nanos = Int64((now.timeIntervalSince1970 * 1_000_000_000).rounded())
        // SQLite writes each record at once and learns from the insert whether it was logged
        // already; PostgreSQL looks the batch's keys up first and writes the records in bulk.
        let immediate = db.sqlDialect == .sqlite
        var seen = immediate ? [] : try logged(events)
        var logRows: [[any SQLBindable]] = []
        var facts = AuditFacts()
        for event in events {
            guard seen.insert(Self.key(event)).inserted else {
                outcome.duplicates += 1
                continue
            }
            let bytes = event.serializedBytes()
            let next = sequence + 1
            let hash = AuditChain.hash(previous: previous, sequence: next, recordedAtNanos: nanos, event: bytes)
            let row: [any SQLBindable] = [
                next, event.sourceService, event.eventID, event.aggregateID, nanos, bytes, previous, hash,
            ]
            if immediate {
                guard try db.execute(Self.insertOneRecord, row) == 1 else {
                    outcome.duplicates += 1
                    continue
                }
            } else {
                logRows.append(row)
            }
            try facts.file(event, sequence: next)
            sequence = next
            previous = hash
            outcome.accepted += 1
        }
        try insert(Self.insertRecord, logRows)
        try insert(
            """
            INSERT INTO event_facts (sequence, occurred_at, kind, category, region, value_band, age_band, favorable,
                followed, value_minor, currency) VALUES
            """, facts.factRows)
        try insert(
            "INSERT INTO cases (case_key, customer_id, opened_at, first_response_at, resolved_at) VALUES",
            facts.caseRows,
            """
             ON CONFLICT (case_key) DO UPDATE SET opened_at = COALESCE(cases.opened_at, excluded.opened_at),
                first_response_at = COALESCE(cases.first_response_at, excluded.first_response_at),
                resolved_at = COALESCE(cases.resolved_at, excluded.resolved_at)
            """)
        for (sql, arguments) in facts.refundStatements {
            try db.execute(sql, arguments)
        }
        if outcome.accepted > 0 {
            try db.execute(
                """
                INSERT INTO audit_head (id, sequence, hash) VALUES (1, ?, ?)
                ON CONFLICT (id) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash
                """,
                [sequence, previous])
        }
        outcome.lastSequence = sequence
        return outcome
    }

    /// The latest signed checkpoint, after signing a new one of the current head if `checkpointing`
    /// has a key and the last one is `everyEvents` events behind or `everySeconds` old. Called after
    /// ``append(_:at:)`` in the same transaction (holding the chain's lock).
    func checkpoint(at now: Date, with checkpointing: AuditCheckpointing) throws -> AuditCheckpoint? {
        let latest = try db.fetchOne("SELECT body FROM audit_checkpoints ORDER BY sequence DESC LIMIT 1").map {
            try AuditCheckpoint(serializedBytes: $0.bytes(0))
        }
        guard let key = checkpointing.key else { return latest }
        let (sequence, hash) = try head()
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
    func head() throws -> (Int64, [UInt8]) {
        guard let row = try db.fetchOne("SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1")
        else { return (0, AuditChain.genesis) }
        return (try row.int64(0), try row.bytes(1))
    }

    /// The statement writing audit records (followed by their values).
    static let insertRecord = """
        INSERT INTO audit_log (sequence, source_service, event_id, aggregate_id, recorded_at_ns, event, previous_hash,
            hash) VALUES
        """

    /// One record, skipped if its event is logged already (SQLite: how a duplicate is found). On
    /// PostgreSQL records are written in bulk without it: once the batch's keys were looked up
    /// under the chain's lock a conflict cannot happen, and if one did the append fails instead
    /// of leaving a gap in the chain.
    static let insertOneRecord = insertRecord + " " + tuple(8) + " ON CONFLICT (source_service, event_id) DO NOTHING"

    /// One row of `width` placeholders.
    static func tuple(_ width: Int) -> String {
        "(" + Array(repeating: "?", count: width).joined(separator: ", ") + ")"
    }

    /// An event's key in the log: its source service and its id.
    static func key(_ event: Event) -> [String] {
        [event.sourceService, event.eventID]
    }

    /// The keys of `events` already in the log (PostgreSQL: the keys joined with the log's unique
    /// index, ``rowsPerStatement`` at a time; a join plans and runs in a fraction of the time of a
    /// long `OR` of the same lookups).
    private func logged(_ events: [Event]) throws -> Set<[String]> {
        var found: Set<[String]> = []
        var start = 0
        while start < events.count {
            let slice = events[start..<min(events.count, start + rowsPerStatement)]
            let sql = """
                SELECT logged.source_service, logged.event_id
                FROM (VALUES \(Array(repeating: Self.tuple(2), count: slice.count).joined(separator: ", ")))
                    AS keys (source_service, event_id)
                JOIN audit_log AS logged
                    ON logged.source_service = keys.source_service AND logged.event_id = keys.event_id
                """
            for row in try db.fetchRows(sql, slice.flatMap { [$0.sourceService, $0.eventID] }) {
                found.insert([try row.string(0), try row.string(1)])
            }
            start += rowsPerStatement
        }
        return found
    }

    /// Inserts `rows` (each the same number of values) with `statement` (ending in `VALUES`),
    /// ``rowsPerStatement`` at a time, each statement followed by `suffix`.
    private func insert(_ statement: String, _ rows: [[any SQLBindable]], _ suffix: String = "") throws {
        guard let width = rows.first?.count else { return }
        let tuple = Self.tuple(width)
        var start = 0
        while start < rows.count {
            let slice = rows[start..<min(rows.count, start + rowsPerStatement)]
            let sql = statement + " " + Array(repeating: tuple, count: slice.count).joined(separator: ", ") + suffix
            try db.execute(sql, slice.flatMap { $0 })
            start += rowsPerStatement
        }
    }
}
