import CommonAPI
import Foundation
import InquiriesAPI
import InquiriesDomain
import Outbox
import RPC
import Runtime
import Storage
import SupportPolicy
import Wire

/// Where Inquiries keeps its knowledge base, catalog, rate tables and tickets. The handlers see
/// only this protocol; ``SQLInquiriesStore`` implements it on SQLite and PostgreSQL.
protocol InquiriesStore: CommandStore where Transaction == any InquiriesTransaction {
    /// Runs one command in one transaction with its idempotency record.
    func perform(
        key: String, caller: String, method: MethodDescriptor, request: [UInt8],
        _ body: @escaping @Sendable (any InquiriesTransaction) throws -> [UInt8]
    ) async throws -> [UInt8]
    /// Reads in one snapshot.
    func read<Result: Sendable>(_ body: @escaping @Sendable (any InquiriesTransaction) throws -> Result) async throws
        -> Result
    /// The newest rate table (ConvertCurrency's read).
    func newestRateTable() async throws -> RateTable?
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

/// The ``InquiriesStore`` on the service's database, SQLite or PostgreSQL: the same SQL on both.
/// On SQLite, the newest rate table is kept until a command publishes another (``ReadCache``).
struct SQLInquiriesStore: InquiriesStore {
    /// The database.
    let database: ServiceDatabase
    /// The newest rate table, decoded once per version (read-only snapshots only).
    let rateTables = RateTableCache()
    /// The newest rate table, kept under ``newest`` so that ConvertCurrency needs no read; nil
    /// when other processes write the database too (``Storage/ServiceDatabase/readCacheBudget``).
    let newestRateTables: ReadCache<String, RateTable>?
    /// The key of the newest rate table in ``newestRateTables`` (its only key).
    static let newest = "newest"

    /// The store on `database`.
    init(database: ServiceDatabase) {
        self.database = database
        newestRateTables = database.readCache(named: "inquiries.newest-rate-table")
    }

    func perform(
        key: String, caller: String, method: MethodDescriptor, request: [UInt8],
        _ body: @escaping @Sendable (any InquiriesTransaction) throws -> [UInt8]
    ) async throws -> [UInt8] {
        // A table it publishes holds the kept one from then on, drops it on the writer once
        // committed, before anyone hears of it, and releases it when it has ended (ChangedKeys).
        let changed = ChangedKeys(in: newestRateTables)
        defer { changed.ended() }
        return try await database.perform(
            key: key, caller: caller, method: method, request: request, committed: changed.committed
        ) { db in
            try body(SQLInquiriesTransaction(db: db, locking: true, rateTables: nil, changed: changed))
        }
    }

    func newestRateTable() async throws -> RateTable? {
        guard let cache = newestRateTables else { return try await read { try $0.latestRateTable() } }
        if let kept = cache.value(for: Self.newest) { return kept }
        let ticket = cache.ticket()
        let table = try await read { try $0.latestRateTable() }
        if let table { cache.keep(table, for: Self.newest, cost: RateTableRows.cost(of: table), readSince: ticket) }
        return table
    }

    func read<Result: Sendable>(_ body: @escaping @Sendable (any InquiriesTransaction) throws -> Result) async throws
        -> Result
    {
        try await database.snapshot { [rateTables] db in
            try body(SQLInquiriesTransaction(db: db, locking: false, rateTables: rateTables, changed: nil))
        }
    }
}

/// The queries behind ``InquiriesTransaction``. In a command (`locking`), publishing takes the
/// rule's (or the rate tables') lock and a ticket read is locked until the end (on PostgreSQL), so
/// that commands on several replicas number versions and change tickets one at a time.
struct SQLInquiriesTransaction: InquiriesTransaction {
    /// The connection.
    let db: any SQLConnection
    /// Whether this is a command's write transaction (a read-only snapshot takes no locks).
    let locking: Bool
    /// The rate table kept decoded; nil in a command's transaction, whose reads may see what it
    /// wrote before it commits (see ``RateTableCache``).
    let rateTables: RateTableCache?
    /// Where a command notes that it published a rate table (nil in a read).
    let changed: ChangedKeys<String>?

    func currentRules(topic: Topic?) throws -> (rules: [KnowledgeRule], version: Int64) {
        (try RuleRows.current(topic: topic, in: db), try counter("knowledge_base"))
    }

    func publish(_ rule: KnowledgeRule, at now: Date) throws -> KnowledgeRule {
        try db.lock(named: "rules\u{1F}\(rule.id)")
        var published = rule
        published.version = try db.fetchCount("SELECT MAX(version) FROM rules WHERE rule_id = ?", [rule.id]) + 1
        published.knowledgeBaseVersion = try increment("knowledge_base")
        published.publishedAt = now
        try RuleRows.insert(published, in: db)
        return published
    }

    func product(sku: String) throws -> Product? {
        try ProductRows.products("SELECT \(ProductRows.columns) FROM products WHERE sku = ?", [sku], in: db).first
    }

    func products(matching query: String, after afterSKU: String, limit: Int) throws -> [Product] {
        let pattern = "%" + query.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
        return try ProductRows.products(
            """
            SELECT \(ProductRows.columns) FROM products WHERE (sku LIKE ? OR name LIKE ?) AND sku > ?
            ORDER BY sku LIMIT ?
            """, [pattern, pattern, afterSKU, limit], in: db)
    }

    func upsert(_ product: Product) throws -> Product {
        var stored = product
        stored.catalogVersion = try increment("catalog")
        try ProductRows.save(stored, in: db)
        return stored
    }

    func latestRateTable() throws -> RateTable? {
        try RateTableRows.latest(in: db, cache: rateTables)
    }

    func publish(_ table: RateTable) throws -> RateTable {
        try db.lock(named: "rate-tables")
        var published = table
        published.version = Int64(try db.fetchCount("SELECT MAX(version) FROM rate_tables")) + 1
        changed?.insert(SQLInquiriesStore.newest)
        try RateTableRows.insert(published, in: db)
        return published
    }

    func ticket(id: String) throws -> Ticket? {
        let lock = locking ? db.sqlDialect.forUpdate : ""
        return try TicketRows.tickets(
            "SELECT \(TicketRows.columns) FROM tickets WHERE ticket_id = ?\(lock)", [id], in: db
        )
        .first
    }

    func tickets(state: TicketState?, after cursor: PageCursor?, limit: Int) throws -> [Ticket] {
        var sql = "SELECT \(TicketRows.columns) FROM tickets WHERE 1 = 1"
        var arguments: [any SQLBindable] = []
        if let state {
            sql += " AND state = ?"
            arguments.append(state.rawValue)
        }
        if let cursor {
            sql += " AND (opened_at, ticket_id) > (?, ?)"
            arguments += [cursor.sortKey, cursor.id]
        }
        sql += " ORDER BY opened_at, ticket_id LIMIT ?"
        arguments.append(limit)
        return try TicketRows.tickets(sql, arguments, in: db)
    }

    func save(_ ticket: Ticket) throws {
        try TicketRows.save(ticket, in: db)
    }

    func record(_ events: [Event]) throws {
        try OversightOutbox.record(events, in: db)
    }

    private func counter(_ name: String) throws -> Int64 {
        Int64(try db.fetchCount("SELECT value FROM counters WHERE name = ?", [name]))
    }

    private func increment(_ name: String) throws -> Int64 {
        try db.fetchOne("UPDATE counters SET value = value + 1 WHERE name = ? RETURNING value", [name])?.int64(0) ?? 0
    }
}
