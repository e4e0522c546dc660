import RefundsAPI
import RefundsDomain
import Storage
import Wire

/// The Refunds database's migrations, in order, written once for SQLite and PostgreSQL. A refund
/// is a row of columns (``RefundRows``); the order facts fetched from Orders are a row of
/// `order_facts`. No API message is stored.
enum RefundsSchema {
    /// Every migration, oldest first; never edit one that has shipped, add a new one.
    static let migrations: [SchemaMigration] = [
        SchemaMigration("refunds-1") { db in
            try db.execute(
                """
                CREATE TABLE order_facts (
                    order_id TEXT PRIMARY KEY,
                    customer_id TEXT NOT NULL,
                    paid_minor BIGINT NOT NULL,
                    currency TEXT NOT NULL,
                    region TEXT NOT NULL,
                    order_value_minor BIGINT,
                    account_created_at DOUBLE PRECISION
                )\(db.sqlDialect.withoutRowID)
                """)
            // The first refunds table kept each refund's protobuf encoding as `body`; it only ever
            // existed in SQLite files (refunds-2 converts them), so PostgreSQL starts without it.
            guard db.sqlDialect == .sqlite else { return }
            try db.execute(
                """
                CREATE TABLE refunds (
                    refund_id TEXT PRIMARY KEY,
                    order_id TEXT NOT NULL REFERENCES order_facts (order_id),
                    customer_id TEXT NOT NULL,
                    state INTEGER NOT NULL,
                    approved_at REAL NOT NULL,
                    expected_by REAL NOT NULL,
                    breach_reported INTEGER NOT NULL DEFAULT 0,
                    body BLOB NOT NULL
                ) WITHOUT ROWID
                """)
        },
        SchemaMigration("refunds-2-columns") { db in
            let converting = db.sqlDialect == .sqlite
            if converting {
                // refunds-1 made these indexes on SQLite files (with the body table).
                try db.executeAll([
                    "DROP INDEX IF EXISTS refunds_by_order", "DROP INDEX IF EXISTS refunds_by_customer",
                    "DROP INDEX IF EXISTS refunds_open_by_deadline", "ALTER TABLE refunds RENAME TO refunds_v1",
                ])
            }
            try db.executeAll([
                """
                CREATE TABLE refunds (
                    refund_id TEXT PRIMARY KEY,
                    order_id TEXT NOT NULL REFERENCES order_facts (order_id),
                    customer_id TEXT NOT NULL,
                    amount_minor BIGINT NOT NULL,
                    currency TEXT NOT NULL,
                    state BIGINT NOT NULL,
                    source_kind TEXT NOT NULL,
                    source_value TEXT NOT NULL,
                    failure_reason TEXT NOT NULL,
                    approved_at DOUBLE PRECISION NOT NULL,
                    expected_by DOUBLE PRECISION NOT NULL,
                    finished_at DOUBLE PRECISION,
                    payment_reference TEXT NOT NULL,
                    rule_id TEXT NOT NULL,
                    rule_version TEXT NOT NULL,
                    rule_text TEXT NOT NULL,
                    breach_reported BIGINT NOT NULL DEFAULT 0
                )\(db.sqlDialect.withoutRowID)
                """,
                "CREATE INDEX refunds_by_order ON refunds (order_id, approved_at DESC, refund_id DESC)",
                "CREATE INDEX refunds_by_customer ON refunds (customer_id, approved_at DESC, refund_id DESC)",
                """
                CREATE INDEX refunds_open_by_deadline ON refunds (expected_by)
                WHERE state IN (1, 2) AND breach_reported = 0
                """,
            ])
            guard converting else { return }
            for row in try db.fetchRows("SELECT body, breach_reported FROM refunds_v1 ORDER BY refund_id") {
                let refund = try Refund(stored: WireRefund(serializedBytes: row.bytes(0)))
                try RefundRows.save(refund, in: db)
                try db.execute(
                    "UPDATE refunds SET breach_reported = ? WHERE refund_id = ?", [try row.int64(1), refund.id])
            }
            try db.execute("DROP TABLE refunds_v1")
        },
    ]
}
