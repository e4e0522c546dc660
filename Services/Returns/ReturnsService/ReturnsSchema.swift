import ReturnsAPI
import ReturnsDomain
import Storage
import SupportPolicy
import Wire

/// The Returns database's migrations, in order, written once for SQLite and PostgreSQL. A return
/// is a row of columns with its lines, timeline, messages and notifications as rows
/// (``ReturnRows``). No API message is stored.
enum ReturnsSchema {
    /// Every migration, oldest first; never edit one that has shipped, add a new one.
    static let migrations: [SchemaMigration] = [
        SchemaMigration("returns-1") { db in
            // The first model kept each return's protobuf encoding as `body`; it only ever existed
            // in SQLite files (returns-3 converts them), so PostgreSQL starts at returns-3.
            guard db.sqlDialect == .sqlite else { return }
            try db.executeAll([
                """
                CREATE TABLE returns (
                    return_id TEXT PRIMARY KEY, order_id TEXT NOT NULL, customer_id TEXT NOT NULL,
                    state INTEGER NOT NULL, requested_at REAL NOT NULL, awaiting_refund INTEGER NOT NULL,
                    region TEXT NOT NULL DEFAULT '', order_value_minor INTEGER, currency TEXT,
                    account_created_at REAL, body BLOB NOT NULL
                ) WITHOUT ROWID
                """,
                "CREATE INDEX returns_by_order ON returns (order_id, requested_at DESC, return_id DESC)",
                "CREATE INDEX returns_by_customer ON returns (customer_id, requested_at DESC, return_id DESC)",
                "CREATE INDEX returns_awaiting_refund ON returns (requested_at) WHERE awaiting_refund = 1",
            ])
        },
        SchemaMigration("returns-2-refund-attempts-and-queues") { db in
            guard db.sqlDialect == .sqlite else { return }
            try db.executeAll([
                "ALTER TABLE returns ADD COLUMN refund_attempt_at REAL NOT NULL DEFAULT 0",
                """
                CREATE INDEX returns_refund_due ON returns (refund_attempt_at, requested_at) WHERE awaiting_refund = 1
                """,
                "CREATE INDEX returns_by_state ON returns (state, requested_at, return_id)",
            ])
        },
        SchemaMigration("returns-3-columns") { db in
            let converting = db.sqlDialect == .sqlite
            if converting {
                try db.executeAll(
                    [
                        "returns_by_order", "returns_by_customer", "returns_awaiting_refund", "returns_refund_due",
                        "returns_by_state",
                    ].map { "DROP INDEX IF EXISTS \($0)" } + ["ALTER TABLE returns RENAME TO returns_v1"])
            }
            try db.executeAll(tables(db.sqlDialect))
            guard converting else { return }
            for row in try db.fetchRows(
                """
                SELECT body, region, order_value_minor, currency, account_created_at, refund_attempt_at
                FROM returns_v1 ORDER BY return_id
                """)
            {
                let item = try ProductReturn(stored: WireReturn(serializedBytes: row.bytes(0)))
                let value = try row.optionalInt64(2)
                let fairness = FairnessFacts(
                    region: try row.string(1),
                    orderValue: try value.flatMap { minor in
                        try row.optionalString(3).map { Money(minorUnits: minor, currency: $0) }
                    },
                    accountCreatedAt: try row.optionalDate(4))
                try ReturnRows.save(item, fairness: fairness, in: db)
                try db.execute(
                    "UPDATE returns SET refund_attempt_at = ? WHERE return_id = ?", [try row.double(5), item.id])
            }
            try db.execute("DROP TABLE returns_v1")
        },
    ]

    /// The tables and indexes of the column model.
    static func tables(_ dialect: SQLDialect) -> [String] {
        [
            """
            CREATE TABLE returns (
                return_id TEXT PRIMARY KEY,
                order_id TEXT NOT NULL,
                customer_id TEXT NOT NULL,
                reason BIGINT NOT NULL,
                remedy BIGINT NOT NULL,
                description TEXT NOT NULL,
                state BIGINT NOT NULL,
                label_carrier TEXT NOT NULL,
                label_tracking_number TEXT NOT NULL,
                label_url TEXT NOT NULL,
                label_cost_minor BIGINT NOT NULL,
                label_cost_currency TEXT NOT NULL,
                eligible BIGINT NOT NULL,
                eligibility_route BIGINT NOT NULL,
                eligibility_rule_id TEXT NOT NULL,
                eligibility_rule_version TEXT NOT NULL,
                eligibility_rule_text TEXT NOT NULL,
                delivered_at DOUBLE PRECISION,
                window_ends_at DOUBLE PRECISION,
                days_since_delivery BIGINT,
                eligibility_explanation TEXT NOT NULL,
                finding BIGINT,
                decision_approved BIGINT,
                decision_rule_id TEXT,
                decision_rule_version TEXT,
                decision_rule_text TEXT,
                decision_explanation TEXT,
                decided_at DOUBLE PRECISION,
                refund_amount_minor BIGINT NOT NULL,
                refund_currency TEXT NOT NULL,
                refund_id TEXT NOT NULL,
                replacement_id TEXT NOT NULL,
                requested_at DOUBLE PRECISION NOT NULL,
                awaiting_refund BIGINT NOT NULL,
                refund_attempt_at DOUBLE PRECISION NOT NULL DEFAULT 0,
                region TEXT NOT NULL DEFAULT '',
                order_value_minor BIGINT,
                currency TEXT,
                account_created_at DOUBLE PRECISION
            )\(dialect.withoutRowID)
            """,
            "CREATE INDEX returns_by_order ON returns (order_id, requested_at DESC, return_id DESC)",
            "CREATE INDEX returns_by_customer ON returns (customer_id, requested_at DESC, return_id DESC)",
            "CREATE INDEX returns_refund_due ON returns (refund_attempt_at, requested_at) WHERE awaiting_refund = 1",
            "CREATE INDEX returns_by_state ON returns (state, requested_at, return_id)",
            """
            CREATE TABLE return_lines (
                return_id TEXT NOT NULL REFERENCES returns (return_id),
                position BIGINT NOT NULL,
                line_number BIGINT NOT NULL,
                quantity BIGINT NOT NULL,
                paid_share_minor BIGINT,
                paid_share_currency TEXT,
                ordered_quantity BIGINT NOT NULL,
                refund_amount_minor BIGINT,
                refund_amount_currency TEXT,
                PRIMARY KEY (return_id, position)
            )\(dialect.withoutRowID)
            """,
            """
            CREATE TABLE return_timeline (
                return_id TEXT NOT NULL REFERENCES returns (return_id),
                position BIGINT NOT NULL,
                action TEXT NOT NULL,
                actor_subject TEXT NOT NULL,
                actor_role TEXT NOT NULL,
                detail TEXT NOT NULL,
                at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (return_id, position)
            )\(dialect.withoutRowID)
            """,
        ]
            + ["return_messages", "return_notifications"].map { table in
                """
                CREATE TABLE \(table) (
                    return_id TEXT NOT NULL REFERENCES returns (return_id),
                    position BIGINT NOT NULL,
                    message_id TEXT NOT NULL,
                    author_subject TEXT NOT NULL,
                    author_role TEXT NOT NULL,
                    text TEXT NOT NULL,
                    sent_at DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (return_id, position)
                )\(dialect.withoutRowID)
                """
            }
    }
}
