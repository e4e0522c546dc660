import GRDB

/// The Refunds database's migrations, in order.
enum RefundsSchema {
    /// Every migration, oldest first; never edit one that has shipped, add a new one.
    static let migrations: [(identifier: String, migrate: @Sendable (Database) throws -> Void)] = [
        (
            "refunds-1",
            { db in
                try db.execute(
                    sql: """
                        CREATE TABLE order_facts (
                            order_id TEXT PRIMARY KEY,
                            customer_id TEXT NOT NULL,
                            paid_minor INTEGER NOT NULL,
                            currency TEXT NOT NULL,
                            region TEXT NOT NULL,
                            order_value_minor INTEGER,
                            account_created_at REAL
                        ) WITHOUT ROWID;
                        CREATE TABLE refunds (
                            refund_id TEXT PRIMARY KEY,
                            order_id TEXT NOT NULL REFERENCES order_facts (order_id),
                            customer_id TEXT NOT NULL,
                            state INTEGER NOT NULL,
                            approved_at REAL NOT NULL,
                            expected_by REAL NOT NULL,
                            breach_reported INTEGER NOT NULL DEFAULT 0,
                            body BLOB NOT NULL
                        ) WITHOUT ROWID;
                        CREATE INDEX refunds_by_order ON refunds (order_id, approved_at DESC, refund_id DESC);
                        CREATE INDEX refunds_by_customer ON refunds (customer_id, approved_at DESC, refund_id DESC);
                        CREATE INDEX refunds_open_by_deadline ON refunds (expected_by) WHERE state IN (1, 2) AND breach_reported = 0;
                        """)
            }
        )
    ]
}
