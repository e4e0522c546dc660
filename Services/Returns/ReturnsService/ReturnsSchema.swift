import GRDB

/// The Returns database's migrations, in order.
enum ReturnsSchema {
    /// Every migration, oldest first; never edit one that has shipped, add a new one.
    static let migrations: [(identifier: String, migrate: @Sendable (Database) throws -> Void)] = [
        (
            "returns-1",
            { db in
                try db.execute(
                    sql: """
                        CREATE TABLE returns (
                            return_id TEXT PRIMARY KEY,
                            order_id TEXT NOT NULL,
                            customer_id TEXT NOT NULL,
                            state INTEGER NOT NULL,
                            requested_at REAL NOT NULL,
                            awaiting_refund INTEGER NOT NULL,
                            region TEXT NOT NULL DEFAULT '',
                            order_value_minor INTEGER,
                            currency TEXT,
                            account_created_at REAL,
                            body BLOB NOT NULL
                        ) WITHOUT ROWID;
                        CREATE INDEX returns_by_order ON returns (order_id, requested_at DESC, return_id DESC);
                        CREATE INDEX returns_by_customer ON returns (customer_id, requested_at DESC, return_id DESC);
                        CREATE INDEX returns_awaiting_refund ON returns (requested_at) WHERE awaiting_refund = 1;
                        """)
            }
        ),
        (
            "returns-2-refund-attempts-and-queues",
            { db in
                try db.execute(
                    sql: """
                        ALTER TABLE returns ADD COLUMN refund_attempt_at REAL NOT NULL DEFAULT 0;
                        CREATE INDEX returns_refund_due ON returns (refund_attempt_at, requested_at)
                            WHERE awaiting_refund = 1;
                        CREATE INDEX returns_by_state ON returns (state, requested_at, return_id);
                        """)
            }
        ),
    ]
}
