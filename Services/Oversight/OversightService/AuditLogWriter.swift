import CommonAPI
import Foundation
import GRDB
import OversightAPI
import OversightDomain
import Runtime
import Storage
import SupportPolicy
import Wire

/// Appends events to the hash-chained audit log inside the caller's write transaction, and files
/// each event's report facts beside it. Event ids live in their source service's namespace: an
/// event whose (source_service, event_id) is already in the log is a duplicate: counted, not
/// appended. The head (last sequence and hash) is also kept in its own row, so a log
/// cut short at its end is detected too.
struct AuditLogWriter {
    /// The connection, in a write transaction.
    let db: Database

    /// What an append did.
    struct Outcome {
        var accepted = 0
        var duplicates = 0
        var lastSequence: Int64 = 0
        /// The latest signed checkpoint after the append.
        var checkpoint: AuditCheckpoint?
    }

    /// Appends `events`, recorded at `now`.
    func append(_ events: [Event], at now: Date) throws -> Outcome {
        var (sequence, previous) = try head()
        var outcome = Outcome()
        let nanos = Int64((now.timeIntervalSince1970 * 1_000_000_000).rounded())
        let insertLog = try db.cachedStatement(
            sql: """
                INSERT INTO audit_log (sequence, source_service, event_id, aggregate_id, recorded_at_ns, event, previous_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source_service, event_id) DO NOTHING
                """)
        for event in events {
            let bytes = event.serializedBytes()
            let next = sequence + 1
            let hash = AuditChain.hash(previous: previous, sequence: next, recordedAtNanos: nanos, event: bytes)
            try insertLog.execute(arguments: [
                next, event.sourceService, event.eventID, event.aggregateID, nanos, Data(bytes), Data(previous),
                Data(hash),
            ])
            guard db.changesCount == 1 else {
                outcome.duplicates += 1
                continue
            }
            try fileFacts(of: event, sequence: next)
            sequence = next
            previous = hash
            outcome.accepted += 1
        }
        if outcome.accepted > 0 {
            try db.execute(
                sql: """
                    INSERT INTO audit_head (id, sequence, hash) VALUES (1, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash
                    """,
                arguments: [sequence, Data(previous)])
        }
        outcome.lastSequence = sequence
        return outcome
    }

    /// The latest signed checkpoint, after signing a new one of the current head if `checkpointing`
    /// has a key and the last one is `everyEvents` events behind or `everySeconds` old.
    func checkpoint(at now: Date, with checkpointing: AuditCheckpointing) throws -> AuditCheckpoint? {
        let latest = try AuditCheckpoint.fetchOne(
            db, sql: "SELECT body FROM audit_checkpoints ORDER BY sequence DESC LIMIT 1")
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
            sql: "INSERT INTO audit_checkpoints (sequence, body) VALUES (?, ?) ON CONFLICT (sequence) DO NOTHING",
            arguments: [sequence, Data(checkpoint.serializedBytes())])
        return checkpoint
    }

    /// The last record's sequence and hash (0 and the genesis hash for an empty log).
    func head() throws -> (Int64, [UInt8]) {
        guard let row = try Row.fetchOne(db, sql: "SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1")
        else { return (0, AuditChain.genesis) }
        let hash: Data = row["hash"]
        return (row["sequence"], [UInt8](hash))
    }

    private func fileFacts(of event: Event, sequence: Int64) throws {
        let occurred = event.occurredAt?.date ?? Date()
        let fairness = try FairnessFacts(wire: event.fairness)
        try db.cachedStatement(
            sql: """
                INSERT INTO event_facts (sequence, occurred_at, kind, category, region, value_band, age_band, favorable, followed,
                    value_minor, currency)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            sequence, occurred.timeIntervalSince1970, event.kind.rawValue, event.category,
            fairness.region.isEmpty ? "unknown" : fairness.region, FairnessBands.valueBand(fairness.orderValue),
            FairnessBands.ageBand(createdAt: fairness.accountCreatedAt, at: occurred),
            event.decision?.favorable == true ? 1 : 0, event.decision?.followedPlaybook == true ? 1 : 0,
            fairness.orderValue?.minorUnits, fairness.orderValue?.currency,
        ])
        let caseKey = "\(event.aggregateType)/\(event.aggregateID)"
        let column: String? =
            switch event.kind {
            case .caseOpened: "opened_at"
            case .firstResponse: "first_response_at"
            case .caseResolved: "resolved_at"
            default: nil
            }
        if let column {
            try db.cachedStatement(
                sql: """
                    INSERT INTO cases (case_key, customer_id, \(column)) VALUES (?, ?, ?)
                    ON CONFLICT (case_key) DO UPDATE SET \(column) = COALESCE(\(column), excluded.\(column))
                    """
            ).execute(arguments: [caseKey, event.customerID, occurred.timeIntervalSince1970])
        } else if !event.customerID.isEmpty {
            try db.cachedStatement(
                sql: "INSERT INTO cases (case_key, customer_id) VALUES (?, ?) ON CONFLICT (case_key) DO NOTHING"
            ).execute(arguments: [caseKey, event.customerID])
        }
        switch event.kind {
        case .refundOpened:
            try db.cachedStatement(
                sql: """
                    INSERT INTO refund_sla (refund_id, approved_at, expected_by) VALUES (?, ?, ?)
                    ON CONFLICT (refund_id) DO UPDATE SET approved_at = excluded.approved_at, expected_by = excluded.expected_by
                    """
            ).execute(arguments: [
                event.aggregateID, occurred.timeIntervalSince1970, event.refund?.expectedBy?.date.timeIntervalSince1970,
            ])
        case .refundFinished:
            try db.cachedStatement(
                sql: """
                    INSERT INTO refund_sla (refund_id, finished_at, completed) VALUES (?, ?, ?)
                    ON CONFLICT (refund_id) DO UPDATE SET finished_at = excluded.finished_at, completed = excluded.completed
                    """
            ).execute(arguments: [
                event.aggregateID, occurred.timeIntervalSince1970, event.refund?.completed == true ? 1 : 0,
            ])
        case .slaBreach:
            try db.cachedStatement(
                sql: """
                    INSERT INTO refund_sla (refund_id, breached) VALUES (?, 1)
                    ON CONFLICT (refund_id) DO UPDATE SET breached = 1
                    """
            ).execute(arguments: [event.aggregateID])
        default: break
        }
    }
}
