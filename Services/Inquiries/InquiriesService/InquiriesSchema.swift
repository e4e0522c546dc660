import Foundation
import InquiriesAPI
import InquiriesDomain
import Runtime
import Storage
import Wire

/// The Inquiries database's migrations, written once for SQLite and PostgreSQL: the versioned
/// knowledge base (every version of every rule kept; the highest is current), the catalog, the
/// rate tables (every version kept) and tickets, each as rows and columns (``RuleRows``,
/// ``ProductRows``, ``RateTableRows``, ``TicketRows``). The official rules are knowledge-base
/// version 1.
enum InquiriesSchema {
    /// Every migration, oldest first; never edit one that has shipped, add a new one.
    static let migrations: [SchemaMigration] = [
        SchemaMigration("inquiries-1") { db in
            // The first model kept each item's protobuf encoding as `body`; it only ever existed in
            // SQLite files (inquiries-2 converts them), so PostgreSQL starts at inquiries-2.
            guard db.sqlDialect == .sqlite else { return }
            try db.executeAll([
                """
                CREATE TABLE rules (
                    rule_id TEXT NOT NULL, version INTEGER NOT NULL, topic INTEGER NOT NULL,
                    knowledge_base_version INTEGER NOT NULL, body BLOB NOT NULL, PRIMARY KEY (rule_id, version)
                ) WITHOUT ROWID
                """,
                "CREATE TABLE products (sku TEXT PRIMARY KEY, name TEXT NOT NULL, body BLOB NOT NULL) WITHOUT ROWID",
                "CREATE TABLE rate_tables (version INTEGER PRIMARY KEY, body BLOB NOT NULL)",
                "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
                """
                CREATE TABLE tickets (
                    ticket_id TEXT PRIMARY KEY, state INTEGER NOT NULL, opened_at REAL NOT NULL,
                    asked_by TEXT NOT NULL, body BLOB NOT NULL
                ) WITHOUT ROWID
                """,
                "CREATE INDEX tickets_by_state ON tickets (state, opened_at, ticket_id)",
                "INSERT INTO counters (name, value) VALUES ('knowledge_base', 1), ('catalog', 0)",
            ])
            for rule in OfficialKnowledge.initialRules(at: Date()) {
                try db.execute(
                    "INSERT INTO rules (rule_id, version, topic, knowledge_base_version, body) VALUES (?, ?, ?, ?, ?)",
                    [rule.id, rule.version, rule.topic.rawValue, 1, rule.wire.serializedBytes()])
            }
        },
        SchemaMigration("inquiries-2-columns") { db in
            let converting = db.sqlDialect == .sqlite
            if converting {
                try db.executeAll(
                    ["DROP INDEX IF EXISTS tickets_by_state"]
                        + ["rules", "products", "rate_tables", "tickets"].map { "ALTER TABLE \($0) RENAME TO \($0)_v1" }
                )
            } else {
                try db.executeAll([
                    "CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
                    "INSERT INTO counters (name, value) VALUES ('knowledge_base', 1), ('catalog', 0)",
                ])
            }
            try db.executeAll(tables(db.sqlDialect))
            guard converting else {
                for var rule in OfficialKnowledge.initialRules(at: Date()) {
                    rule.knowledgeBaseVersion = 1
                    try RuleRows.insert(rule, in: db)
                }
                return
            }
            for row in try db.fetchRows("SELECT body, knowledge_base_version FROM rules_v1") {
                var rule = try KnowledgeRule(wire: WireKnowledgeRule(serializedBytes: row.bytes(0)))
                rule.knowledgeBaseVersion = try row.int64(1)
                try RuleRows.insert(rule, in: db)
            }
            for row in try db.fetchRows("SELECT body FROM products_v1") {
                try ProductRows.save(Product(wire: WireProduct(serializedBytes: row.bytes(0))), in: db)
            }
            for row in try db.fetchRows("SELECT body FROM rate_tables_v1") {
                let wire = try WireRateTable(serializedBytes: row.bytes(0))
                try RateTableRows.insert(
                    RateTable(
                        version: wire.version, base: wire.baseCurrency, rates: wire.rates,
                        publishedAt: wire.publishedAt?.date ?? Date(timeIntervalSince1970: 0)), in: db)
            }
            for row in try db.fetchRows("SELECT body FROM tickets_v1") {
                try TicketRows.save(Ticket(stored: WireTicket(serializedBytes: row.bytes(0))), in: db)
            }
            try db.executeAll(["rules", "products", "rate_tables", "tickets"].map { "DROP TABLE \($0)_v1" })
        },
    ]

    /// The tables and indexes of the column model (the counters table stays as it was).
    static func tables(_ dialect: SQLDialect) -> [String] {
        [
            """
            CREATE TABLE rules (
                rule_id TEXT NOT NULL,
                version BIGINT NOT NULL,
                topic BIGINT NOT NULL,
                title TEXT NOT NULL,
                text TEXT NOT NULL,
                policy_version TEXT NOT NULL,
                knowledge_base_version BIGINT NOT NULL,
                published_at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (rule_id, version)
            )\(dialect.withoutRowID)
            """,
            """
            CREATE TABLE rule_keywords (
                rule_id TEXT NOT NULL,
                version BIGINT NOT NULL,
                position BIGINT NOT NULL,
                keyword TEXT NOT NULL,
                PRIMARY KEY (rule_id, version, position),
                FOREIGN KEY (rule_id, version) REFERENCES rules (rule_id, version)
            )\(dialect.withoutRowID)
            """,
            """
            CREATE TABLE products (
                sku TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                description TEXT NOT NULL,
                price_minor BIGINT NOT NULL,
                currency TEXT NOT NULL,
                catalog_version BIGINT NOT NULL
            )\(dialect.withoutRowID)
            """,
            """
            CREATE TABLE product_specifications (
                sku TEXT NOT NULL REFERENCES products (sku),
                name TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (sku, name)
            )\(dialect.withoutRowID)
            """,
            """
            CREATE TABLE rate_tables (
                version BIGINT PRIMARY KEY,
                base TEXT NOT NULL,
                published_at DOUBLE PRECISION NOT NULL
            )
            """,
            """
            CREATE TABLE rate_entries (
                version BIGINT NOT NULL REFERENCES rate_tables (version),
                currency TEXT NOT NULL,
                minor_digits BIGINT NOT NULL,
                rate_billionths BIGINT NOT NULL,
                PRIMARY KEY (version, currency)
            )\(dialect.withoutRowID)
            """,
            """
            CREATE TABLE tickets (
                ticket_id TEXT PRIMARY KEY,
                asked_by_subject TEXT NOT NULL,
                asked_by_role TEXT NOT NULL,
                question TEXT NOT NULL,
                state BIGINT NOT NULL,
                answer TEXT NOT NULL,
                answer_rule_id TEXT,
                answer_rule_version TEXT,
                answer_rule_text TEXT,
                opened_at DOUBLE PRECISION NOT NULL,
                answered_at DOUBLE PRECISION,
                closed_at DOUBLE PRECISION
            )\(dialect.withoutRowID)
            """,
            "CREATE INDEX tickets_by_state ON tickets (state, opened_at, ticket_id)",
            "CREATE INDEX tickets_by_opened ON tickets (opened_at, ticket_id)",
            """
            CREATE TABLE ticket_topics (
                ticket_id TEXT NOT NULL REFERENCES tickets (ticket_id),
                position BIGINT NOT NULL,
                topic BIGINT NOT NULL,
                PRIMARY KEY (ticket_id, position)
            )\(dialect.withoutRowID)
            """,
        ]
            + ["ticket_messages", "ticket_notifications"].map { table in
                """
                CREATE TABLE \(table) (
                    ticket_id TEXT NOT NULL REFERENCES tickets (ticket_id),
                    position BIGINT NOT NULL,
                    message_id TEXT NOT NULL,
                    author_subject TEXT NOT NULL,
                    author_role TEXT NOT NULL,
                    text TEXT NOT NULL,
                    sent_at DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (ticket_id, position)
                )\(dialect.withoutRowID)
                """
            }
    }
}
