import CommonAPI
import Foundation
import OrdersDomain
import Outbox
import RPC
import Runtime
import Storage

/// The ``OrderStore`` on the service's database, SQLite or PostgreSQL: the same SQL on both
/// (``OrderRows``, ``IssueRows``).
struct SQLOrderStore: OrderStore {
    /// The database.
    let database: ServiceDatabase

    func perform(
        key: String, caller: String, method: MethodDescriptor, request: [UInt8],
        _ body: @escaping @Sendable (any OrdersTransaction) throws -> [UInt8]
    ) async throws -> [UInt8] {
        try await database.perform(key: key, caller: caller, method: method, request: request) { db in
            try body(SQLOrdersTransaction(db: db))
        }
    }

    func seed(_ orders: [Order]) async throws -> Int {
        try await database.transaction { db in
            var added = 0
            for order in orders where try db.fetchOne("SELECT 1 FROM orders WHERE order_id = ?", [order.id]) == nil {
                try OrderRows.insert(order, in: db)
                added += 1
            }
            return added
        }
    }

    func order(id: String) async throws -> Order? {
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

    func issues(orderID: String?, customerID: String?, limit: Int, after cursor: PageCursor?) async throws -> [Issue] {
        let (column, value) = orderID.map { ("order_id", $0) } ?? ("customer_id", customerID ?? "")
        return try await database.snapshot { db in
            var sql = "SELECT \(IssueRows.columns) FROM issues WHERE \(column) = ?"
            var arguments: [any SQLBindable] = [value]
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
        try await database.snapshot { db in
            try OrderRows.orderStatusWithOpenIssueCount(id: id, in: db)
        }
    }
}

/// A command's view of the database, inside its write transaction: what it reads it locks (on
/// PostgreSQL), so that commands on several replicas change one order or issue one at a time.
struct SQLOrdersTransaction: OrdersTransaction {
    /// The connection, in a transaction.
    let db: any SQLConnection

    func order(id: String) throws -> Order? {
        try OrderRows.order(id: id, locking: true, in: db)
    }

    func orderWithoutPaymentsAndTracking(id: String) throws -> Order? {
        try OrderRows.orderWithoutPaymentsAndTracking(id: id, locking: true, in: db)
    }

    func insert(_ order: Order) throws {
        try OrderRows.insert(order, in: db)
    }

    func update(_ order: Order) throws {
        try OrderRows.update(order, in: db)
    }

    func issue(id: String) throws -> Issue? {
        try IssueRows.issue(id: id, locking: true, in: db)
    }

    func save(_ issue: Issue) throws {
        try IssueRows.save(issue, in: db)
    }

    func insert(_ issue: Issue) throws {
        try IssueRows.insert(issue, in: db)
    }

    func record(_ events: [Event]) throws {
        try OversightOutbox.record(events, in: db)
    }
}
