import CommonAPI
import Foundation
import GRDB
import OversightAPI
import Storage
import Wire

/// The Oversight database's migrations. The audit log is the record; beside it, each event's
/// report-relevant facts are kept in narrow tables with covering indexes, so a report over a
/// million events is a handful of index scans that SQLite aggregates, not a million decodes.
enum OversightSchema {
    /// Every migration, oldest first; never edit one that has shipped, add a new one.
    static let migrations: [(identifier: String, migrate: @Sendable (Database) throws -> Void)] = [
        (
            "oversight-1",
            { db in
                try db.execute(
                    sql: """
                        CREATE TABLE audit_log (
                            sequence INTEGER PRIMARY KEY,
                            event_id TEXT NOT NULL UNIQUE,
                            aggregate_id TEXT NOT NULL,
                            recorded_at_ns INTEGER NOT NULL,
                            event BLOB NOT NULL,
                            previous_hash BLOB NOT NULL,
                            hash BLOB NOT NULL
                        );
                        CREATE INDEX audit_by_aggregate ON audit_log (aggregate_id, sequence);
                        CREATE TABLE audit_head (
                            id INTEGER PRIMARY KEY CHECK (id = 1),
                            sequence INTEGER NOT NULL,
                            hash BLOB NOT NULL
                        );
                        CREATE TABLE event_facts (
                            sequence INTEGER PRIMARY KEY,
                            occurred_at REAL NOT NULL,
                            kind INTEGER NOT NULL,
                            category TEXT NOT NULL,
                            region TEXT NOT NULL,
                            value_band TEXT NOT NULL,
                            age_band TEXT NOT NULL,
                            favorable INTEGER NOT NULL,
                            followed INTEGER NOT NULL
                        );
                        CREATE INDEX facts_by_time ON event_facts (occurred_at);
                        CREATE INDEX facts_by_kind ON event_facts
                            (kind, occurred_at, region, value_band, age_band, favorable, followed, category);
                        CREATE TABLE cases (
                            case_key TEXT PRIMARY KEY,
                            customer_id TEXT NOT NULL,
                            opened_at REAL,
                            first_response_at REAL,
                            resolved_at REAL
                        ) WITHOUT ROWID;
                        CREATE INDEX cases_by_opened ON cases (opened_at, first_response_at, resolved_at);
                        CREATE TABLE refund_sla (
                            refund_id TEXT PRIMARY KEY,
                            approved_at REAL,
                            expected_by REAL,
                            finished_at REAL,
                            completed INTEGER NOT NULL DEFAULT 0,
                            breached INTEGER NOT NULL DEFAULT 0
                        ) WITHOUT ROWID;
                        CREATE INDEX refund_sla_by_approval ON refund_sla (approved_at);
                        CREATE TABLE ratings (
                            rating_id TEXT PRIMARY KEY,
                            case_key TEXT NOT NULL,
                            customer_id TEXT NOT NULL,
                            score INTEGER NOT NULL,
                            rated_at REAL NOT NULL,
                            body BLOB NOT NULL
                        ) WITHOUT ROWID;
                        CREATE INDEX ratings_by_time ON ratings (rated_at, score);
                        CREATE TABLE audit_samples (
                            sample_id TEXT PRIMARY KEY,
                            body BLOB NOT NULL
                        ) WITHOUT ROWID;
                        CREATE TABLE complaints (
                            complaint_id TEXT PRIMARY KEY,
                            customer_id TEXT NOT NULL,
                            state INTEGER NOT NULL,
                            filed_at REAL NOT NULL,
                            body BLOB NOT NULL
                        ) WITHOUT ROWID;
                        CREATE INDEX complaints_by_time ON complaints (filed_at DESC, complaint_id DESC);
                        CREATE INDEX complaints_by_customer ON complaints (customer_id, filed_at DESC);
                        CREATE TABLE staff (
                            staff_id TEXT PRIMARY KEY,
                            body BLOB NOT NULL
                        ) WITHOUT ROWID;
                        """)
            }
        ),
        ("oversight-2-event-namespaces", migrateToEventNamespaces),
        (
            "oversight-3-audit-checkpoints",
            { db in
                // Every checkpoint Oversight signed, by the log position it covers.
                try db.execute(
                    sql: """
                        CREATE TABLE audit_checkpoints (
                            sequence INTEGER PRIMARY KEY,
                            body BLOB NOT NULL
                        )
                        """)
            }
        ),
        (
            // One rating per customer per case. Ratings recorded before this rule (a customer who
            // rated a case several times) keep only the first; the audit log still holds them all.
            "oversight-4-one-rating-per-customer-per-case",
            { db in
                try db.execute(
                    sql: """
                        DELETE FROM ratings WHERE rating_id IN (
                            SELECT rating_id FROM (
                                SELECT rating_id, ROW_NUMBER() OVER (
                                    PARTITION BY case_key, customer_id ORDER BY rated_at, rating_id) AS position
                                FROM ratings)
                            WHERE position > 1);
                        CREATE UNIQUE INDEX ratings_one_per_customer ON ratings (case_key, customer_id);
                        """)
            }
        ),
        (
            "oversight-5-order-values",
            { db in
                // The order value as recorded (minor units and currency), so the report can band
                // values in one currency with the rate table in force.
                try db.execute(
                    sql: """
                        ALTER TABLE event_facts ADD COLUMN value_minor INTEGER;
                        ALTER TABLE event_facts ADD COLUMN currency TEXT;
                        CREATE INDEX facts_decisions_by_value ON event_facts
                            (kind, occurred_at, region, age_band, currency, value_minor, value_band, favorable, followed);
                        """)
            }
        ),
    ]

    /// Event ids live in their source service's namespace: the log is unique by (source_service,
    /// event_id), so no service can take another's id first. Existing rows are copied over with
    /// the source read from their event.
    @Sendable static func migrateToEventNamespaces(_ db: Database) throws {
        try db.execute(
            sql: """
                DROP INDEX audit_by_aggregate;
                ALTER TABLE audit_log RENAME TO audit_log_v1;
                CREATE TABLE audit_log (
                    sequence INTEGER PRIMARY KEY,
                    source_service TEXT NOT NULL,
                    event_id TEXT NOT NULL,
                    aggregate_id TEXT NOT NULL,
                    recorded_at_ns INTEGER NOT NULL,
                    event BLOB NOT NULL,
                    previous_hash BLOB NOT NULL,
                    hash BLOB NOT NULL,
                    UNIQUE (source_service, event_id)
                );
                """)
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM audit_log_v1 ORDER BY sequence")
        let insert = try db.makeStatement(
            sql: """
                INSERT INTO audit_log (sequence, source_service, event_id, aggregate_id, recorded_at_ns, event, previous_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
        while let row = try rows.next() {
            let bytes: Data = row["event"]
            let source = (try? Event(storedBytes: bytes))?.sourceService ?? ""
            try insert.execute(arguments: [
                row["sequence"], source, row["event_id"], row["aggregate_id"], row["recorded_at_ns"], bytes,
                row["previous_hash"], row["hash"],
            ])
        }
        try db.execute(
            sql: """
                DROP TABLE audit_log_v1;
                CREATE INDEX audit_by_aggregate ON audit_log (aggregate_id, sequence);
                """)
    }
}
