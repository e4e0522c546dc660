import CommonAPI
import Foundation
import GRDB
import InquiriesAPI
import InquiriesDomain
import Outbox
import RPC
import Runtime
import Storage
import SupportPolicy
import Wire

/// Where Inquiries keeps its knowledge base, catalog, rate tables and tickets. The handlers see
/// only this protocol; ``SQLiteInquiriesStore`` implements it.
protocol InquiriesStore: CommandStore where Transaction == any InquiriesTransaction {
    /// Runs one command in one transaction with its idempotency record.
    func perform(
        key: String, caller: String, method: MethodDescriptor, request: [UInt8],
        _ body: @escaping @Sendable (any InquiriesTransaction) throws -> [UInt8]
    ) async throws -> [UInt8]
    /// Reads in one snapshot.
    func read<Result: Sendable>(_ body: @escaping @Sendable (any InquiriesTransaction) throws -> Result) async throws
        -> Result
}

/// What a command or read may do inside its transaction.
protocol InquiriesTransaction {
    /// The current version of every rule (of `topic`, if given), and the knowledge-base version.
    func currentRules(topic: Topic?) throws -> (rules: [KnowledgeRule], version: Int64)
    /// Publishes `rule` as the next version of its id; returns it as published.
    func publish(_ rule: KnowledgeRule, at now: Date) throws -> KnowledgeRule
    /// One product.
    func product(sku: String) throws -> Product?
    /// Products whose sku or name contains `query`, by sku, after `afterSKU`.
    func products(matching query: String, after afterSKU: String, limit: Int) throws -> [Product]
    /// Stores `product` as a new catalog version; returns it with that version.
    func upsert(_ product: Product) throws -> Product
    /// The newest rate table.
    func latestRateTable() throws -> RateTable?
    /// Publishes `table` as the next version; returns it with that version.
    func publish(_ table: RateTable) throws -> RateTable
    /// One ticket.
    func ticket(id: String) throws -> Ticket?
    /// Tickets, oldest first within state, after `cursor`.
    func tickets(state: TicketState?, after cursor: PageCursor?, limit: Int) throws -> [Ticket]
    /// Stores a new or changed ticket.
    func save(_ ticket: Ticket) throws
    /// Adds events for Oversight to the outbox.
    func record(_ events: [Event]) throws
}

/// The ``InquiriesStore`` on the service's SQLite database.
struct SQLiteInquiriesStore: InquiriesStore {
    /// The database.
    let database: ServiceDatabase

    func perform(
        key: String, caller: String, method: MethodDescriptor, request: [UInt8],
        _ body: @escaping @Sendable (any InquiriesTransaction) throws -> [UInt8]
    ) async throws -> [UInt8] {
        try await database.command(key: key, caller: caller, method: method, request: request) { db in
            try body(SQLiteInquiriesTransaction(db: db))
        }
    }

    func read<Result: Sendable>(_ body: @escaping @Sendable (any InquiriesTransaction) throws -> Result) async throws
        -> Result
    {
        try await database.read { db in try body(SQLiteInquiriesTransaction(db: db)) }
    }
}

/// The SQLite queries behind ``InquiriesTransaction``.
struct SQLiteInquiriesTransaction: InquiriesTransaction {
    /// The connection.
    let db: Database

    func currentRules(topic: Topic?) throws -> (rules: [KnowledgeRule], version: Int64) {
        var sql = """
            SELECT body FROM rules r WHERE version = (SELECT MAX(version) FROM rules WHERE rule_id = r.rule_id)
            """
        var arguments: StatementArguments = []
        if let topic {
            sql += " AND topic = ?"
            arguments += [topic.rawValue]
        }
        let rules = try Data.fetchAll(db, sql: sql + " ORDER BY rule_id", arguments: arguments).map {
            try KnowledgeRule(wire: WireKnowledgeRule(storedBytes: $0))
        }
        return (rules, try counter("knowledge_base"))
    }

    func publish(_ rule: KnowledgeRule, at now: Date) throws -> KnowledgeRule {
        var published = rule
        published.version =
            (try Int.fetchOne(db, sql: "SELECT MAX(version) FROM rules WHERE rule_id = ?", arguments: [rule.id]) ?? 0)
            + 1
        published.knowledgeBaseVersion = try increment("knowledge_base")
        published.publishedAt = now
        try db.execute(
            sql: "INSERT INTO rules (rule_id, version, topic, knowledge_base_version, body) VALUES (?, ?, ?, ?, ?)",
            arguments: [
                published.id, published.version, published.topic.rawValue, published.knowledgeBaseVersion,
                Data(published.wire.serializedBytes()),
            ])
        return published
    }

    func product(sku: String) throws -> Product? {
        try Data.fetchOne(db, sql: "SELECT body FROM products WHERE sku = ?", arguments: [sku]).map {
            try Product(wire: WireProduct(storedBytes: $0))
        }
    }

    func products(matching query: String, after afterSKU: String, limit: Int) throws -> [Product] {
        let pattern = "%" + query.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
        return try Data.fetchAll(
            db,
            sql: "SELECT body FROM products WHERE (sku LIKE ? OR name LIKE ?) AND sku > ? ORDER BY sku LIMIT ?",
            arguments: [pattern, pattern, afterSKU, limit]
        ).map { try Product(wire: WireProduct(storedBytes: $0)) }
    }

    func upsert(_ product: Product) throws -> Product {
        var stored = product
        stored.catalogVersion = try increment("catalog")
        try db.execute(
            sql: """
                INSERT INTO products (sku, name, body) VALUES (?, ?, ?)
                ON CONFLICT (sku) DO UPDATE SET name = excluded.name, body = excluded.body
                """,
            arguments: [stored.sku, stored.name, Data(stored.wire.serializedBytes())])
        return stored
    }

    func latestRateTable() throws -> RateTable? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT body FROM rate_tables ORDER BY version DESC LIMIT 1")).map {
            body in
            let wire = try WireRateTable(storedBytes: body)
            return try RateTable(
                version: wire.version, base: wire.baseCurrency, rates: wire.rates,
                publishedAt: wire.publishedAt?.date ?? Date(timeIntervalSince1970: 0))
        }
    }

    func publish(_ table: RateTable) throws -> RateTable {
        var published = table
        published.version = (try Int64.fetchOne(db, sql: "SELECT MAX(version) FROM rate_tables") ?? 0) + 1
        try db.execute(
            sql: "INSERT INTO rate_tables (version, body) VALUES (?, ?)",
            arguments: [published.version, Data(published.wire.serializedBytes())])
        return published
    }

    func ticket(id: String) throws -> Ticket? {
        try Data.fetchOne(db, sql: "SELECT body FROM tickets WHERE ticket_id = ?", arguments: [id]).map {
            try Ticket(stored: WireTicket(storedBytes: $0))
        }
    }

    func tickets(state: TicketState?, after cursor: PageCursor?, limit: Int) throws -> [Ticket] {
        var sql = "SELECT body FROM tickets WHERE 1 = 1"
        var arguments: StatementArguments = []
        if let state {
            sql += " AND state = ?"
            arguments += [state.rawValue]
        }
        if let cursor {
            sql += " AND (opened_at, ticket_id) > (?, ?)"
            arguments += [cursor.sortKey, cursor.id]
        }
        sql += " ORDER BY opened_at, ticket_id LIMIT ?"
        arguments += [limit]
        return try Data.fetchAll(db, sql: sql, arguments: arguments).map {
            try Ticket(stored: WireTicket(storedBytes: $0))
        }
    }

    func save(_ ticket: Ticket) throws {
        try db.execute(
            sql: """
                INSERT INTO tickets (ticket_id, state, opened_at, asked_by, body) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (ticket_id) DO UPDATE SET state = excluded.state, body = excluded.body
                """,
            arguments: [
                ticket.id, ticket.state.rawValue, ticket.openedAt.timeIntervalSince1970, ticket.askedBy.subject,
                Data(ticket.wire.serializedBytes()),
            ])
    }

    func record(_ events: [Event]) throws {
        try OversightOutbox.record(events, in: db)
    }

    private func counter(_ name: String) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT value FROM counters WHERE name = ?", arguments: [name]) ?? 0
    }

    private func increment(_ name: String) throws -> Int64 {
        try Int64.fetchOne(
            db, sql: "UPDATE counters SET value = value + 1 WHERE name = ? RETURNING value", arguments: [name]) ?? 0
    }
}
