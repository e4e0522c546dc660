import GRDB

/// The Orders database's migrations, in order. Each aggregate is stored whole (its protobuf
/// encoding) with the columns its queries filter and sort on, each indexed, so reads stay flat
/// however many orders there are.
enum OrdersSchema {
    /// Every migration, oldest first; never edit one that has shipped, add a new one.
    static let migrations: [(identifier: String, migrate: @Sendable (Database) throws -> Void)] = [
        (
            "orders-1",
            { db in
                try db.execute(
                    sql: """
                        CREATE TABLE orders (
                            order_id TEXT PRIMARY KEY,
                            customer_id TEXT NOT NULL,
                            placed_at REAL NOT NULL,
                            status INTEGER NOT NULL,
                            body BLOB NOT NULL
                        ) WITHOUT ROWID;
                        CREATE INDEX orders_by_customer ON orders (customer_id, placed_at DESC, order_id DESC);
                        CREATE TABLE issues (
                            issue_id TEXT PRIMARY KEY,
                            order_id TEXT NOT NULL REFERENCES orders (order_id),
                            customer_id TEXT NOT NULL,
                            state INTEGER NOT NULL,
                            reported_at REAL NOT NULL,
                            body BLOB NOT NULL
                        ) WITHOUT ROWID;
                        CREATE INDEX issues_by_order ON issues (order_id, reported_at DESC, issue_id DESC);
                        CREATE INDEX issues_by_customer ON issues (customer_id, reported_at DESC, issue_id DESC);
                        """)
            }
        )
    ]
}
