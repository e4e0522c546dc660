import OrdersAPI
import OrdersDomain
import Storage
import Wire

/// The Orders database's migrations, in order, written once for SQLite and PostgreSQL. The
/// persistent model is the store's own (``OrderRows``, ``IssueRows``): an order is a row with its
/// lines, payments and tracking events as rows of their own; an issue is a row with its case
/// log, messages, notifications and dispute evidence as rows. No API message is stored, so a
/// contract change is never a data migration.
enum OrdersSchema {
    /// Every migration, oldest first; never edit one that has shipped, add a new one.
    static let migrations: [SchemaMigration] = [
        SchemaMigration("orders-1") { db in
            // The first model stored each aggregate's protobuf encoding as `body`; it only ever
            // existed in SQLite files (``convertBodies``), so PostgreSQL starts at orders-2.
            guard db.sqlDialect == .sqlite else { return }
            try db.executeAll([
                """
                CREATE TABLE orders (
                    order_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, placed_at REAL NOT NULL,
                    status INTEGER NOT NULL, body BLOB NOT NULL
                ) WITHOUT ROWID
                """,
                "CREATE INDEX orders_by_customer ON orders (customer_id, placed_at DESC, order_id DESC)",
                """
                CREATE TABLE issues (
                    issue_id TEXT PRIMARY KEY, order_id TEXT NOT NULL REFERENCES orders (order_id),
                    customer_id TEXT NOT NULL, state INTEGER NOT NULL, reported_at REAL NOT NULL, body BLOB NOT NULL
                ) WITHOUT ROWID
                """,
                "CREATE INDEX issues_by_order ON issues (order_id, reported_at DESC, issue_id DESC)",
                "CREATE INDEX issues_by_customer ON issues (customer_id, reported_at DESC, issue_id DESC)",
            ])
        },
        SchemaMigration("orders-2-columns") { db in
            let converting = db.sqlDialect == .sqlite
            if converting {
                try db.executeAll([
                    "DROP INDEX orders_by_customer", "DROP INDEX issues_by_order", "DROP INDEX issues_by_customer",
                    "ALTER TABLE issues RENAME TO issues_v1", "ALTER TABLE orders RENAME TO orders_v1",
                ])
            }
            try db.executeAll(tables(db.sqlDialect))
            if converting { try convertBodies(db) }
        },
        // Issue 15: one index of an order's issues instead of two, so a new issue writes one
        // b-tree fewer. `issues_by_state` (order_id, state) served only the count of an order's
        // open issues; the issues of an order by date, with their state, serve that count as well
        // (read from the index alone: an order has few issues) and the listing by order as before.
        SchemaMigration("orders-3-issues-by-order-with-state") { db in
            try db.executeAll([
                "DROP INDEX issues_by_state",
                "DROP INDEX issues_by_order",
                "CREATE INDEX issues_by_order ON issues (order_id, reported_at DESC, issue_id DESC, state)",
            ])
        },
        // Issue 15: a customer's issues are the issues of their orders (an issue's customer is its
        // order's, and an order's customer never changes), so they are listed through
        // `orders_by_customer` and `issues_by_order` (``SQLOrderStore/issues(orderID:customerID:limit:after:)``),
        // and a new issue writes one b-tree fewer: `issues_by_customer` was one to two pages of
        // every ReportIssue's commit.
        SchemaMigration("orders-4-customer-issues-through-orders") { db in
            try db.execute("DROP INDEX issues_by_customer")
        },
    ]

    /// The tables and indexes of the column model.
    static func tables(_ dialect: SQLDialect) -> [String] {
        [
            """
            CREATE TABLE orders (
                order_id TEXT PRIMARY KEY,
                customer_id TEXT NOT NULL,
                status BIGINT NOT NULL,
                placed_at DOUBLE PRECISION NOT NULL,
                shipped_at DOUBLE PRECISION,
                delivered_at DOUBLE PRECISION,
                customer_note TEXT NOT NULL,
                ship_recipient TEXT NOT NULL,
                ship_line1 TEXT NOT NULL,
                ship_line2 TEXT NOT NULL,
                ship_city TEXT NOT NULL,
                ship_state TEXT NOT NULL,
                ship_postal_code TEXT NOT NULL,
                ship_country_code TEXT NOT NULL,
                fairness_region TEXT NOT NULL,
                fairness_order_value BIGINT,
                fairness_order_value_currency TEXT,
                fairness_account_created_at DOUBLE PRECISION
            )\(dialect.withoutRowID)
            """,
            "CREATE INDEX orders_by_customer ON orders (customer_id, placed_at DESC, order_id DESC)",
            """
            CREATE TABLE order_lines (
                order_id TEXT NOT NULL REFERENCES orders (order_id),
                position BIGINT NOT NULL,
                line_number BIGINT NOT NULL,
                sku TEXT NOT NULL,
                title TEXT NOT NULL,
                quantity BIGINT NOT NULL,
                unit_price BIGINT NOT NULL,
                currency TEXT NOT NULL,
                paid_share BIGINT,
                PRIMARY KEY (order_id, position)
            )\(dialect.withoutRowID)
            """,
            """
            CREATE TABLE order_payments (
                order_id TEXT NOT NULL REFERENCES orders (order_id),
                position BIGINT NOT NULL,
                payment_id TEXT NOT NULL,
                amount BIGINT NOT NULL,
                currency TEXT NOT NULL,
                method TEXT NOT NULL,
                captured_at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (order_id, position)
            )\(dialect.withoutRowID)
            """,
            """
            CREATE TABLE order_tracking_events (
                order_id TEXT NOT NULL REFERENCES orders (order_id),
                position BIGINT NOT NULL,
                event_id TEXT NOT NULL,
                carrier TEXT NOT NULL,
                tracking_number TEXT NOT NULL,
                status BIGINT NOT NULL,
                description TEXT NOT NULL,
                location TEXT NOT NULL,
                occurred_at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (order_id, position)
            )\(dialect.withoutRowID)
            """,
            """
            CREATE TABLE issues (
                issue_id TEXT PRIMARY KEY,
                order_id TEXT NOT NULL REFERENCES orders (order_id),
                customer_id TEXT NOT NULL,
                category BIGINT NOT NULL,
                cause BIGINT,
                resolution BIGINT,
                state BIGINT NOT NULL,
                description TEXT NOT NULL,
                decision_rule_id TEXT,
                decision_rule_version TEXT,
                decision_rule_text TEXT,
                followed_playbook BIGINT NOT NULL,
                reported_at DOUBLE PRECISION NOT NULL,
                resolved_at DOUBLE PRECISION,
                first_response_at DOUBLE PRECISION,
                requested_recipient TEXT,
                requested_line1 TEXT,
                requested_line2 TEXT,
                requested_city TEXT,
                requested_state TEXT,
                requested_postal_code TEXT,
                requested_country_code TEXT,
                has_dispute BIGINT NOT NULL,
                dispute_outcome BIGINT,
                dispute_rationale TEXT NOT NULL
            )\(dialect.withoutRowID)
            """,
            "CREATE INDEX issues_by_order ON issues (order_id, reported_at DESC, issue_id DESC)",
            "CREATE INDEX issues_by_customer ON issues (customer_id, reported_at DESC, issue_id DESC)",
            "CREATE INDEX issues_by_state ON issues (order_id, state)",
            """
            CREATE TABLE issue_log (
                issue_id TEXT NOT NULL REFERENCES issues (issue_id),
                position BIGINT NOT NULL,
                sequence BIGINT NOT NULL,
                actor_subject TEXT NOT NULL,
                actor_role TEXT NOT NULL,
                action TEXT NOT NULL,
                detail TEXT NOT NULL,
                rule_id TEXT,
                rule_version TEXT,
                rule_text TEXT,
                at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (issue_id, position)
            )\(dialect.withoutRowID)
            """,
            """
            CREATE TABLE issue_messages (
                issue_id TEXT NOT NULL REFERENCES issues (issue_id),
                position BIGINT NOT NULL,
                message_id TEXT NOT NULL,
                author_subject TEXT NOT NULL,
                author_role TEXT NOT NULL,
                text TEXT NOT NULL,
                sent_at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (issue_id, position)
            )\(dialect.withoutRowID)
            """,
            """
            CREATE TABLE issue_notifications (
                issue_id TEXT NOT NULL REFERENCES issues (issue_id),
                position BIGINT NOT NULL,
                notification_id TEXT NOT NULL,
                customer_id TEXT NOT NULL,
                text TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (issue_id, position)
            )\(dialect.withoutRowID)
            """,
            """
            CREATE TABLE dispute_evidence (
                issue_id TEXT NOT NULL REFERENCES issues (issue_id),
                position BIGINT NOT NULL,
                party BIGINT NOT NULL,
                statement TEXT NOT NULL,
                submitted_by_subject TEXT NOT NULL,
                submitted_by_role TEXT NOT NULL,
                submitted_at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (issue_id, position)
            )\(dialect.withoutRowID)
            """,
            """
            CREATE TABLE dispute_attachments (
                issue_id TEXT NOT NULL REFERENCES issues (issue_id),
                evidence_position BIGINT NOT NULL,
                position BIGINT NOT NULL,
                uri TEXT NOT NULL,
                PRIMARY KEY (issue_id, evidence_position, position)
            )\(dialect.withoutRowID)
            """,
        ]
    }

    /// Moves every order and issue of the body model (`orders_v1`, `issues_v1`) into the column
    /// model, decoding each body once, then drops the old tables. A body that does not decode
    /// stops the migration (and so the start) rather than losing it.
    static func convertBodies(_ db: any SQLConnection) throws {
        for row in try db.fetchRows("SELECT body FROM orders_v1 ORDER BY order_id") {
            try OrderRows.insert(Order(wire: WireOrder(serializedBytes: row.bytes(0))), in: db)
        }
        for row in try db.fetchRows("SELECT body FROM issues_v1 ORDER BY issue_id") {
            try IssueRows.save(Issue(stored: WireIssue(serializedBytes: row.bytes(0))), in: db)
        }
        try db.executeAll(["DROP TABLE issues_v1", "DROP TABLE orders_v1"])
    }
}
