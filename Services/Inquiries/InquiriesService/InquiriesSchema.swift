import Foundation
import GRDB
import InquiriesDomain
import Wire

/// The Inquiries database's migrations: the versioned knowledge base (every version of every rule
/// kept; the highest is current), the catalog, the rate tables (every version kept) and tickets.
/// The first migration publishes the official rules as knowledge-base version 1.
enum InquiriesSchema {
    /// Every migration, oldest first; never edit one that has shipped, add a new one.
    static let migrations: [(identifier: String, migrate: @Sendable (Database) throws -> Void)] = [
        (
            "inquiries-1",
            { db in
                try db.execute(
                    sql: """
                        CREATE TABLE rules (
                            rule_id TEXT NOT NULL,
                            version INTEGER NOT NULL,
                            topic INTEGER NOT NULL,
                            knowledge_base_version INTEGER NOT NULL,
                            body BLOB NOT NULL,
                            PRIMARY KEY (rule_id, version)
                        ) WITHOUT ROWID;
                        CREATE TABLE products (
                            sku TEXT PRIMARY KEY,
                            name TEXT NOT NULL,
                            body BLOB NOT NULL
                        ) WITHOUT ROWID;
                        CREATE TABLE rate_tables (
                            version INTEGER PRIMARY KEY,
                            body BLOB NOT NULL
                        );
                        CREATE TABLE counters (
                            name TEXT PRIMARY KEY,
                            value INTEGER NOT NULL
                        ) WITHOUT ROWID;
                        CREATE TABLE tickets (
                            ticket_id TEXT PRIMARY KEY,
                            state INTEGER NOT NULL,
                            opened_at REAL NOT NULL,
                            asked_by TEXT NOT NULL,
                            body BLOB NOT NULL
                        ) WITHOUT ROWID;
                        CREATE INDEX tickets_by_state ON tickets (state, opened_at, ticket_id);
                        INSERT INTO counters (name, value) VALUES ('knowledge_base', 1), ('catalog', 0);
                        """)
                for rule in OfficialKnowledge.initialRules(at: Date()) {
                    try db.execute(
                        sql:
                            "INSERT INTO rules (rule_id, version, topic, knowledge_base_version, body) VALUES (?, ?, ?, ?, ?)",
                        arguments: [rule.id, rule.version, rule.topic.rawValue, 1, Data(rule.wire.serializedBytes())])
                }
            }
        )
    ]
}
