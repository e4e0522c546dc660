import CommonAPI
import OversightAPI
import Storage
import Wire

/// An audit sample as a row of `audit_samples` and its items as rows of `audit_sample_items`,
/// each naming its record by sequence (the record itself is the audit log's). No API message is
/// stored.
enum AuditSampleRows {
    /// Stores a new or changed sample (its items' marks replaced).
    static func save(_ sample: AuditSample, in db: any SQLConnection) throws {
        let from = sample.from ?? Timestamp(seconds: 0, nanos: 0)
        let to = sample.to ?? Timestamp(seconds: 0, nanos: 0)
        try db.execute(
            """
            INSERT INTO audit_samples (sample_id, seed, from_seconds, from_nanos, to_seconds, to_nanos, passed, failed)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (sample_id) DO UPDATE SET passed = excluded.passed, failed = excluded.failed
            """,
            [
                sample.sampleID, Int64(bitPattern: sample.seed), from.seconds, Int64(from.nanos), to.seconds,
                Int64(to.nanos), Int64(sample.passed), Int64(sample.failed),
            ])
        try db.execute("DELETE FROM audit_sample_items WHERE sample_id = ?", [sample.sampleID])
        for (position, item) in sample.items.enumerated() {
            try db.execute(
                """
                INSERT INTO audit_sample_items (sample_id, position, sequence, verdict, note, marked_by_subject,
                    marked_by_role)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    sample.sampleID, position, item.record?.sequence ?? 0, Int64(item.verdict.rawValue), item.note,
                    item.markedBy?.subject, item.markedBy.map { Int64($0.role.rawValue) },
                ])
        }
    }

    /// The sample `id`, with its items' records from the log (`lock`: the sample's row locked for
    /// the transaction, on PostgreSQL).
    static func sample(id: String, lock: String, in db: any SQLConnection) throws -> AuditSample? {
        guard
            let row = try db.fetchOne(
                """
                SELECT seed, from_seconds, from_nanos, to_seconds, to_nanos, passed, failed FROM audit_samples
                WHERE sample_id = ?\(lock)
                """, [id])
        else { return nil }
        let seed = UInt64(bitPattern: try row.int64(0))
        let from = try timestamp(row, 1)
        let to = try timestamp(row, 3)
        let (passed, failed) = (try row.int64(5), try row.int64(6))
        let items = try db.fetchRows(
            """
            SELECT audit_sample_items.sequence, verdict, note, marked_by_subject, marked_by_role, audit_log.sequence,
                audit_log.recorded_at_ns, audit_log.event, audit_log.previous_hash, audit_log.hash
            FROM audit_sample_items LEFT JOIN audit_log ON audit_log.sequence = audit_sample_items.sequence
            WHERE sample_id = ? ORDER BY position
            """, [id]
        ).map { row in
            let sequence = try row.int64(0)
            let record =
                try row.isNull(5)
                ? AuditRecord.with { $0.sequence = sequence }
                : try SQLOversightTransaction.record(SQLRow(Array(row.values.dropFirst(5))))
            let (verdict, note) = (try row.int64(1), try row.string(2))
            let marker = try row.optionalString(3)
            let role = try row.optionalInt64(4)
            return AuditItem.with {
                $0.record = record
                $0.verdict = AuditVerdict(rawValue: Int32(truncatingIfNeeded: verdict))
                $0.note = note
                if let marker, let role {
                    $0.markedBy = CommonAPI.Actor.with {
                        $0.subject = marker
                        $0.role = CallerRole(rawValue: Int32(truncatingIfNeeded: role))
                    }
                }
            }
        }
        return AuditSample.with {
            $0.sampleID = id
            $0.seed = seed
            $0.from = from
            $0.to = to
            $0.items = items
            $0.passed = Int32(truncatingIfNeeded: passed)
            $0.failed = Int32(truncatingIfNeeded: failed)
        }
    }

    /// The timestamp stored as seconds and nanoseconds in columns `index` and `index + 1`.
    private static func timestamp(_ row: SQLRow, _ index: Int) throws -> Timestamp {
        guard let nanos = Int32(exactly: try row.int64(index + 1)) else {
            throw StoredValueError(column: index + 1, expected: "nanoseconds")
        }
        return Timestamp(seconds: try row.int64(index), nanos: nanos)
    }
}
