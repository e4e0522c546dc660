import CommonAPI
import Foundation
import OversightAPI
import Storage
import Wire

/// The Oversight database's migrations, written once for SQLite and PostgreSQL. The audit log is
/// the record (each event's encoding is what the hash chain signs, so it is kept as bytes);
/// beside it, each event's report-relevant facts are kept in narrow tables with covering
/// indexes, so a report over a million events is a handful of index scans that the database
/// aggregates, not a million decodes.
enum OversightSchema {
    /// Every migration, oldest first; never change what one does to an existing database, add a
    /// new one. (Their identifiers are recorded in existing SQLite files: an existing file runs
    /// only the ones it lacks.)
    static let migrations: [SchemaMigration] = [
        SchemaMigration("oversight-1", createTables),
        SchemaMigration("oversight-2-event-namespaces", migrateToEventNamespaces),
        SchemaMigration("oversight-3-audit-checkpoints") { db in
            // Every checkpoint Oversight signed, by the log position it covers.
            try db.execute(
                """
                CREATE TABLE audit_checkpoints (
                    sequence \(rowKey(db)),
                    body \(db.sqlDialect.blob) NOT NULL
                )
                """)
        },
        // One rating per customer per case. Ratings recorded before this rule (a customer who
        // rated a case several times) keep only the first; the audit log still holds them all.
        SchemaMigration("oversight-4-one-rating-per-customer-per-case") { db in
            try db.executeAll([
                """
                DELETE FROM ratings WHERE rating_id IN (
                    SELECT rating_id FROM (
                        SELECT rating_id, ROW_NUMBER() OVER (
                            PARTITION BY case_key, customer_id ORDER BY rated_at, rating_id) AS position
                        FROM ratings) AS ranked
                    WHERE position > 1)
                """,
                "CREATE UNIQUE INDEX ratings_one_per_customer ON ratings (case_key, customer_id)",
            ])
        },
        // The order value as recorded (minor units and currency), so the report can band values
        // in one currency with the rate table in force.
        SchemaMigration("oversight-5-order-values") { db in
            try db.executeAll([
                "ALTER TABLE event_facts ADD COLUMN value_minor BIGINT",
                "ALTER TABLE event_facts ADD COLUMN currency TEXT",
                """
                CREATE INDEX facts_decisions_by_value ON event_facts
                    (kind, occurred_at, region, age_band, currency, value_minor, value_band, favorable, followed)
                """,
            ])
        },
        // Ratings, complaints, audit samples and staff as columns and rows instead of their API
        // messages (a contract change is not a data migration); existing rows are converted.
        SchemaMigration("oversight-6-columns", migrateToColumns),
    ]

    /// An integer primary key: SQLite's rowid itself (`INTEGER PRIMARY KEY`), a BIGINT key on
    /// PostgreSQL.
    static func rowKey(_ db: any SQLConnection) -> String {
        db.sqlDialect == .sqlite ? "INTEGER PRIMARY KEY" : "BIGINT PRIMARY KEY"
    }

    /// The first tables. The first audit log was unique by event id alone; it only ever existed in
    /// SQLite files (oversight-2 converts them), so PostgreSQL starts with the log unique by
    /// (source_service, event_id).
    @Sendable static func createTables(_ db: any SQLConnection) throws {
        let blob = db.sqlDialect.blob
        let textKeyed = db.sqlDialect.withoutRowID
        if db.sqlDialect == .sqlite {
            try db.execute(
                """
                CREATE TABLE audit_log (
                    sequence INTEGER PRIMARY KEY,
                    event_id TEXT NOT NULL UNIQUE,
                    aggregate_id TEXT NOT NULL,
                    recorded_at_ns INTEGER NOT NULL,
                    event BLOB NOT NULL,
                    previous_hash BLOB NOT NULL,
                    hash BLOB NOT NULL
                )
                """)
        } else {
            try db.execute(auditLogTable(db))
        }
        try db.executeAll([
            "CREATE INDEX audit_by_aggregate ON audit_log (aggregate_id, sequence)",
            """
            CREATE TABLE audit_head (
                id \(rowKey(db)) CHECK (id = 1),
                sequence BIGINT NOT NULL,
                hash \(blob) NOT NULL
            )
            """,
            """
            CREATE TABLE event_facts (
                sequence \(rowKey(db)),
                occurred_at DOUBLE PRECISION NOT NULL,
                kind BIGINT NOT NULL,
                category TEXT NOT NULL,
                region TEXT NOT NULL,
                value_band TEXT NOT NULL,
                age_band TEXT NOT NULL,
                favorable BIGINT NOT NULL,
                followed BIGINT NOT NULL
            )
            """,
            "CREATE INDEX facts_by_time ON event_facts (occurred_at)",
            """
            CREATE INDEX facts_by_kind ON event_facts
                (kind, occurred_at, region, value_band, age_band, favorable, followed, category)
            """,
            """
            CREATE TABLE cases (
                case_key TEXT PRIMARY KEY,
                customer_id TEXT NOT NULL,
                opened_at DOUBLE PRECISION,
                first_response_at DOUBLE PRECISION,
                resolved_at DOUBLE PRECISION
            )\(textKeyed)
            """,
            "CREATE INDEX cases_by_opened ON cases (opened_at, first_response_at, resolved_at)",
            """
            CREATE TABLE refund_sla (
                refund_id TEXT PRIMARY KEY,
                approved_at DOUBLE PRECISION,
                expected_by DOUBLE PRECISION,
                finished_at DOUBLE PRECISION,
                completed BIGINT NOT NULL DEFAULT 0,
                breached BIGINT NOT NULL DEFAULT 0
            )\(textKeyed)
            """,
            "CREATE INDEX refund_sla_by_approval ON refund_sla (approved_at)",
            """
            CREATE TABLE ratings (
                rating_id TEXT PRIMARY KEY,
                case_key TEXT NOT NULL,
                customer_id TEXT NOT NULL,
                score BIGINT NOT NULL,
                rated_at DOUBLE PRECISION NOT NULL,
                body \(blob) NOT NULL
            )\(textKeyed)
            """,
            "CREATE INDEX ratings_by_time ON ratings (rated_at, score)",
            """
            CREATE TABLE audit_samples (
                sample_id TEXT PRIMARY KEY,
                body \(blob) NOT NULL
            )\(textKeyed)
            """,
            """
            CREATE TABLE complaints (
                complaint_id TEXT PRIMARY KEY,
                customer_id TEXT NOT NULL,
                state BIGINT NOT NULL,
                filed_at DOUBLE PRECISION NOT NULL,
                body \(blob) NOT NULL
            )\(textKeyed)
            """,
            "CREATE INDEX complaints_by_time ON complaints (filed_at DESC, complaint_id DESC)",
            "CREATE INDEX complaints_by_customer ON complaints (customer_id, filed_at DESC)",
            """
            CREATE TABLE staff (
                staff_id TEXT PRIMARY KEY,
                body \(blob) NOT NULL
            )\(textKeyed)
            """,
        ])
    }

    /// The audit log unique by (source_service, event_id).
    static func auditLogTable(_ db: any SQLConnection) -> String {
        let blob = db.sqlDialect.blob
        return """
            CREATE TABLE audit_log (
                sequence \(rowKey(db)),
                source_service TEXT NOT NULL,
                event_id TEXT NOT NULL,
                aggregate_id TEXT NOT NULL,
                recorded_at_ns BIGINT NOT NULL,
                event \(blob) NOT NULL,
                previous_hash \(blob) NOT NULL,
                hash \(blob) NOT NULL,
                UNIQUE (source_service, event_id)
            )
            """
    }

    /// Event ids live in their source service's namespace: the log is unique by (source_service,
    /// event_id), so no service can take another's id first. Existing rows (SQLite files written
    /// before) are copied over with the source read from their event.
    @Sendable static func migrateToEventNamespaces(_ db: any SQLConnection) throws {
        guard db.sqlDialect == .sqlite else { return }
        try db.executeAll(["DROP INDEX audit_by_aggregate", "ALTER TABLE audit_log RENAME TO audit_log_v1"])
        try db.execute(auditLogTable(db))
        // In pages by sequence, so that a long log is never all in memory at once.
        var after: Int64 = -1
        while true {
            let rows = try db.fetchRows(
                """
                SELECT sequence, event_id, aggregate_id, recorded_at_ns, event, previous_hash, hash
                FROM audit_log_v1 WHERE sequence > ? ORDER BY sequence LIMIT 1000
                """, [after])
            guard let last = rows.last else { break }
            for row in rows {
                let bytes = try row.bytes(4)
                let source = (try? Event(serializedBytes: bytes))?.sourceService ?? ""
                try db.execute(
                    """
                    INSERT INTO audit_log (sequence, source_service, event_id, aggregate_id, recorded_at_ns, event, previous_hash, hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        try row.int64(0), source, try row.string(1), try row.string(2), try row.int64(3), bytes,
                        try row.bytes(5), try row.bytes(6),
                    ])
            }
            after = try last.int64(0)
        }
        try db.executeAll([
            "DROP TABLE audit_log_v1", "CREATE INDEX audit_by_aggregate ON audit_log (aggregate_id, sequence)",
        ])
    }

    /// Ratings, complaints (with their messages and notifications), audit samples (with their
    /// items) and staff (with their teams) as columns and rows: the old tables (protobuf bodies)
    /// are renamed, the new ones created, each stored body converted, and the old tables dropped.
    @Sendable static func migrateToColumns(_ db: any SQLConnection) throws {
        let textKeyed = db.sqlDialect.withoutRowID
        try db.executeAll([
            "DROP INDEX ratings_by_time", "DROP INDEX ratings_one_per_customer", "DROP INDEX complaints_by_time",
            "DROP INDEX complaints_by_customer", "ALTER TABLE ratings RENAME TO ratings_v1",
            "ALTER TABLE complaints RENAME TO complaints_v1", "ALTER TABLE audit_samples RENAME TO audit_samples_v1",
            "ALTER TABLE staff RENAME TO staff_v1",
            """
            CREATE TABLE ratings (
                rating_id TEXT PRIMARY KEY,
                case_key TEXT NOT NULL,
                aggregate_type TEXT NOT NULL,
                aggregate_id TEXT NOT NULL,
                customer_id TEXT NOT NULL,
                score BIGINT NOT NULL,
                comment TEXT NOT NULL,
                rated_at DOUBLE PRECISION NOT NULL,
                rated_at_seconds BIGINT NOT NULL,
                rated_at_nanos BIGINT NOT NULL
            )\(textKeyed)
            """,
            "CREATE INDEX ratings_by_time ON ratings (rated_at, score)",
            "CREATE UNIQUE INDEX ratings_one_per_customer ON ratings (case_key, customer_id)",
            """
            CREATE TABLE complaints (
                complaint_id TEXT PRIMARY KEY,
                kind BIGINT NOT NULL,
                customer_id TEXT NOT NULL,
                subject TEXT NOT NULL,
                text TEXT NOT NULL,
                related_case TEXT NOT NULL,
                state BIGINT NOT NULL,
                assigned_to TEXT NOT NULL,
                resolution TEXT NOT NULL,
                filed_at DOUBLE PRECISION NOT NULL,
                resolved_at DOUBLE PRECISION,
                closed_at DOUBLE PRECISION
            )\(textKeyed)
            """,
            "CREATE INDEX complaints_by_time ON complaints (filed_at DESC, complaint_id DESC)",
            "CREATE INDEX complaints_by_customer ON complaints (customer_id, filed_at DESC)",
            """
            CREATE TABLE complaint_messages (
                complaint_id TEXT NOT NULL REFERENCES complaints (complaint_id),
                position BIGINT NOT NULL,
                message_id TEXT NOT NULL,
                author_subject TEXT NOT NULL,
                author_role TEXT NOT NULL,
                text TEXT NOT NULL,
                sent_at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (complaint_id, position)
            )\(textKeyed)
            """,
            """
            CREATE TABLE complaint_notifications (
                complaint_id TEXT NOT NULL REFERENCES complaints (complaint_id),
                position BIGINT NOT NULL,
                message_id TEXT NOT NULL,
                author_subject TEXT NOT NULL,
                author_role TEXT NOT NULL,
                text TEXT NOT NULL,
                sent_at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (complaint_id, position)
            )\(textKeyed)
            """,
            """
            CREATE TABLE audit_samples (
                sample_id TEXT PRIMARY KEY,
                seed BIGINT NOT NULL,
                from_seconds BIGINT NOT NULL,
                from_nanos BIGINT NOT NULL,
                to_seconds BIGINT NOT NULL,
                to_nanos BIGINT NOT NULL,
                passed BIGINT NOT NULL,
                failed BIGINT NOT NULL
            )\(textKeyed)
            """,
            """
            CREATE TABLE audit_sample_items (
                sample_id TEXT NOT NULL REFERENCES audit_samples (sample_id),
                position BIGINT NOT NULL,
                sequence BIGINT NOT NULL,
                verdict BIGINT NOT NULL,
                note TEXT NOT NULL,
                marked_by_subject TEXT,
                marked_by_role BIGINT,
                PRIMARY KEY (sample_id, position)
            )\(textKeyed)
            """,
            """
            CREATE TABLE staff (
                staff_id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                active BIGINT NOT NULL
            )\(textKeyed)
            """,
            """
            CREATE TABLE staff_teams (
                staff_id TEXT NOT NULL REFERENCES staff (staff_id),
                position BIGINT NOT NULL,
                team TEXT NOT NULL,
                PRIMARY KEY (staff_id, position)
            )\(textKeyed)
            """,
        ])
        for row in try db.fetchRows("SELECT body, case_key FROM ratings_v1 ORDER BY rating_id") {
            try RatingRows.insert(Rating(serializedBytes: row.bytes(0)), caseKey: try row.string(1), in: db)
        }
        for row in try db.fetchRows("SELECT body FROM complaints_v1 ORDER BY complaint_id") {
            try ComplaintRows.save(Complaint(stored: OversightAPI.Complaint(serializedBytes: row.bytes(0))), in: db)
        }
        for row in try db.fetchRows("SELECT body FROM audit_samples_v1 ORDER BY sample_id") {
            try AuditSampleRows.save(AuditSample(serializedBytes: row.bytes(0)), in: db)
        }
        for row in try db.fetchRows("SELECT body FROM staff_v1 ORDER BY staff_id") {
            try StaffRows.upsert(StaffMember(serializedBytes: row.bytes(0)), in: db)
        }
        try db.executeAll([
            "DROP TABLE ratings_v1", "DROP TABLE complaints_v1", "DROP TABLE audit_samples_v1", "DROP TABLE staff_v1",
        ])
    }
}
