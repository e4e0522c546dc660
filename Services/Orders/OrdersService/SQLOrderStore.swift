import CommonAPI
import Foundation
import OrdersDomain
import Outbox
import RPC
import Runtime
import Storage

/// The ``OrderStore`` on the service's database, SQLite or PostgreSQL: the same SQL on both
/// (``OrderRows``, ``IssueRows``). On SQLite, one order's reads are kept (``OrderReadCache``)
/// until a command writes the order or one of its issues.
struct SQLOrderStore: OrderStore {
    /// The database.
    let database: ServiceDatabase
    /// What is kept of one order's reads; nil when other processes write the database too.
    let cache: OrderReadCache?
    /// Whether reads are answered from ``cache`` (commands invalidate it either way).
    let answersFromCache: Bool

    /// The store on `database`, keeping reads if the database allows it
    /// (``Storage/ServiceDatabase/readCacheBudget``); with `keepingReads` false it reads the
    /// database every time (for tests of the read path) but still drops what other stores on the
    /// database kept of what its commands write.
    init(database: ServiceDatabase, keepingReads: Bool = true) {
        self.database = database
        self.cache = OrderReadCache(database: database)
        self.answersFromCache = keepingReads
    }

    func perform(
        key: String, caller: String, method: MethodDescriptor, request: [UInt8],
        _ body: @escaping @Sendable (any OrdersTransaction) throws -> [UInt8]
    ) async throws -> [UInt8] {
        // What is kept of the orders it writes is held from its first write, dropped on the
        // writer once committed, before anyone hears of it, and released when it has ended.
        let changed = ChangedKeys(in: cache?.reads)
        defer { changed.ended() }
        return try await database.perform(
            key: key, caller: caller, method: method, request: request, committed: changed.committed
        ) { db in
            try body(SQLOrdersTransaction(db: db, changed: changed))
        }
    }

    func seed(_ orders: [Order]) async throws -> Int {
        let changed = ChangedKeys(in: cache?.reads)
        for order in orders { OrderReadCache.note(order.id, in: changed) }
        defer { changed.ended() }
        return try await database.transaction(committed: changed.committed) { db in
            var added = 0
            for order in orders where try db.fetchOne("SELECT 1 FROM orders WHERE order_id = ?", [order.id]) == nil {
                try OrderRows.insert(order, in: db)
                added += 1
            }
            return added
        }
    }

    func order(id: String) async throws -> Order? {
        // Without a cache nothing is kept: no message is made that no one asked for.
        guard answersFromCache, cache != nil else { return try await read(id: id) }
        return try await orderAndWire(id: id)?.order
    }

    func orderAndWire(id: String) async throws -> (order: Order, wire: WireOrder)? {
        guard answersFromCache, let cache else { return try await read(id: id).map { ($0, $0.wire) } }
        if let kept = cache.order(id: id) { return kept }
        let ticket = cache.reads.ticket()
        guard let order = try await read(id: id) else { return nil }
        let wire = order.wire
        cache.keep(order, wire: wire, readSince: ticket)
        return (order, wire)
    }

    /// One order read from the database.
    private func read(id: String) async throws -> Order? {
        try await database.snapshot { db in try OrderRows.order(id: id, locking: false, in: db) }
    }

    func orders(customerID: String, limit: Int, after cursor: PageCursor?) async throws -> [Order] {
        try await database.snapshot { db in
            var sql = "SELECT \(OrderRows.columns) FROM orders WHERE customer_id = ?"
            var arguments: [any SQLBindable] = [customerID]
            if let cursor {
                sql += " AND (placed_at, order_id) < (?, ?)"
                arguments += [cursor.sortKey, cursor.id]
            }
            sql += " ORDER BY placed_at DESC, order_id DESC LIMIT ?"
            arguments.append(limit)
            return try OrderRows.load(db.fetchRows(sql, arguments), in: db)
        }
    }

    func issue(id: String) async throws -> Issue? {
        try await database.snapshot { db in try IssueRows.issue(id: id, locking: false, in: db) }
    }

    /// A customer's issues are read as the issues of their orders (orders-4: there is no index of
    /// issues by customer), of which those that are theirs: each order's newest through
    /// `issues_by_order`, then sorted.
    func issues(orderID: String?, customerID: String?, limit: Int, after cursor: PageCursor?) async throws -> [Issue] {
        try await database.snapshot { db in
            var sql = "SELECT \(IssueRows.columns) FROM issues WHERE "
            var arguments: [any SQLBindable]
            if let orderID {
                sql += "order_id = ?"
                arguments = [orderID]
            } else {
                let customerID = customerID ?? ""
                sql += "order_id IN (SELECT order_id FROM orders WHERE customer_id = ?) AND customer_id = ?"
                arguments = [customerID, customerID]
            }
            if let cursor {
                sql += " AND (reported_at, issue_id) < (?, ?)"
                arguments += [cursor.sortKey, cursor.id]
            }
            sql += " ORDER BY reported_at DESC, issue_id DESC LIMIT ?"
            arguments.append(limit)
            return try db.fetchRows(sql, arguments).map { row in try IssueRows.issue(row, in: db) }
        }
    }

    func orderStatusWithOpenIssueCount(id: String) async throws -> (order: Order, openIssues: Int)? {
        guard answersFromCache, let cache else {
            return try await database.snapshot { db in try OrderRows.orderStatusWithOpenIssueCount(id: id, in: db) }
        }
        if let kept = cache.status(id: id) { return kept }
        let ticket = cache.reads.ticket()
        let status = try await database.snapshot { db in try OrderRows.orderStatusWithOpenIssueCount(id: id, in: db) }
        if let status { cache.keep(status: status.order, openIssues: status.openIssues, readSince: ticket) }
        return status
    }
}

/// A command's view of the database, inside its write transaction: what it reads it locks (on
/// PostgreSQL), so that commands on several replicas change one order or issue one at a time.
struct SQLOrdersTransaction: OrdersTransaction {
    /// The connection, in a transaction.
    let db: any SQLConnection
    /// Where the orders it writes (or whose issues it writes) are noted, for ``OrderReadCache``.
    let changed: ChangedKeys<OrderReadCache.Key>

    func order(id: String) throws -> Order? {
        try OrderRows.order(id: id, locking: true, in: db)
    }

    func orderWithoutPaymentsAndTracking(id: String) throws -> Order? {
        try OrderRows.orderWithoutPaymentsAndTracking(id: id, locking: true, in: db)
    }

    func insert(_ order: Order) throws {
        OrderReadCache.note(order.id, in: changed)
        try OrderRows.insert(order, in: db)
    }

    func update(_ order: Order, from stored: Order) throws {
        OrderReadCache.note(order.id, in: changed)
        try OrderRows.update(order, from: stored, in: db)
    }

    func issue(id: String) throws -> Issue? {
        try IssueRows.issue(id: id, locking: true, in: db)
    }

    func save(_ issue: Issue) throws {
        OrderReadCache.note(issue.orderID, in: changed)
        try IssueRows.save(issue, in: db)
    }

    func insert(_ issue: Issue) throws {
        OrderReadCache.note(issue.orderID, in: changed)
        try IssueRows.insert(issue, in: db)
    }

    func record(_ events: [Event]) throws {
        try OversightOutbox.record(events, in: db)
    }
}
