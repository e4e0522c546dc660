import CommonAPI
import Foundation
import GRDB
import OrdersAPI
import OrdersDomain
import Outbox
import RPC
import Runtime
import Storage
import Wire

/// The ``OrderStore`` on the service's SQLite database.
struct SQLiteOrderStore: OrderStore {
    /// The database.
    let database: ServiceDatabase

    func perform(
        key: String, caller: String, method: MethodDescriptor, request: [UInt8],
        _ body: @escaping @Sendable (any OrdersTransaction) throws -> [UInt8]
    ) async throws -> [UInt8] {
        try await database.command(key: key, caller: caller, method: method, request: request) { db in
            try body(SQLiteOrdersTransaction(db: db))
        }
    }

    func seed(_ orders: [Order]) async throws -> Int {
        try await database.write { db in
            let transaction = SQLiteOrdersTransaction(db: db)
            var added = 0
            for order in orders where try transaction.order(id: order.id) == nil {
                try transaction.insert(order)
                added += 1
            }
            return added
        }
    }

    func order(id: String) async throws -> Order? {
        try await database.read { db in try SQLiteOrdersTransaction(db: db).order(id: id) }
    }

    func orders(customerID: String, limit: Int, after cursor: PageCursor?) async throws -> [Order] {
        try await database.read { db in
            let rows: [Data]
            if let cursor {
                rows = try Data.fetchAll(
                    db,
                    sql: """
                        SELECT body FROM orders WHERE customer_id = ? AND (placed_at, order_id) < (?, ?)
                        ORDER BY placed_at DESC, order_id DESC LIMIT ?
                        """,
                    arguments: [customerID, cursor.sortKey, cursor.id, limit])
            } else {
                rows = try Data.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT body FROM orders WHERE customer_id = ? ORDER BY placed_at DESC, order_id DESC LIMIT ?
                            """),
                    arguments: [customerID, limit])
            }
            return try rows.map(SQLiteOrdersTransaction.decodeOrder)
        }
    }

    func issue(id: String) async throws -> Issue? {
        try await database.read { db in try SQLiteOrdersTransaction(db: db).issue(id: id) }
    }

    func issues(orderID: String?, customerID: String?, limit: Int, after cursor: PageCursor?) async throws -> [Issue] {
        let (column, value) = orderID.map { ("order_id", $0) } ?? ("customer_id", customerID ?? "")
        return try await database.read { db in
            var sql = "SELECT body FROM issues WHERE \(column) = ?"
            var arguments: StatementArguments = [value]
            if let cursor {
                sql += " AND (reported_at, issue_id) < (?, ?)"
                arguments += [cursor.sortKey, cursor.id]
            }
            sql += " ORDER BY reported_at DESC, issue_id DESC LIMIT ?"
            arguments += [limit]
            return try Data.fetchAll(db, sql: sql, arguments: arguments).map(SQLiteOrdersTransaction.decodeIssue)
        }
    }

    func orderWithOpenIssueCount(id: String) async throws -> (order: Order, openIssues: Int)? {
        try await database.read { db in
            guard let order = try SQLiteOrdersTransaction(db: db).order(id: id) else { return nil }
            let open =
                try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT COUNT(*) FROM issues WHERE order_id = ? AND state IN (?, ?, ?)"),
                    arguments: [
                        id, IssueState.open.rawValue, IssueState.classified.rawValue, IssueState.mediation.rawValue,
                    ]) ?? 0
            return (order, open)
        }
    }
}

/// A command's view of the database, inside its write transaction.
struct SQLiteOrdersTransaction: OrdersTransaction {
    /// The connection, in a transaction.
    let db: Database

    func order(id: String) throws -> Order? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT body FROM orders WHERE order_id = ?"), arguments: [id])
            .map(Self.decodeOrder)
    }

    func insert(_ order: Order) throws {
        try db.execute(
            sql: "INSERT INTO orders (order_id, customer_id, placed_at, status, body) VALUES (?, ?, ?, ?, ?)",
            arguments: [
                order.id, order.customerID, order.placedAt.timeIntervalSince1970, order.status.rawValue,
                Data(order.wire.serializedBytes()),
            ])
    }

    func update(_ order: Order) throws {
        try db.execute(
            sql: "UPDATE orders SET status = ?, body = ? WHERE order_id = ?",
            arguments: [order.status.rawValue, Data(order.wire.serializedBytes()), order.id])
    }

    func issue(id: String) throws -> Issue? {
        try Data.fetchOne(db, sql: "SELECT body FROM issues WHERE issue_id = ?", arguments: [id]).map(Self.decodeIssue)
    }

    func save(_ issue: Issue) throws {
        try db.execute(
            sql: """
                INSERT INTO issues (issue_id, order_id, customer_id, state, reported_at, body) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (issue_id) DO UPDATE SET state = excluded.state, body = excluded.body
                """,
            arguments: [
                issue.id, issue.orderID, issue.customerID, issue.state.rawValue, issue.reportedAt.timeIntervalSince1970,
                Data(issue.wire.serializedBytes()),
            ])
    }

    func record(_ events: [Event]) throws {
        try OversightOutbox.record(events, in: db)
    }

    /// An order from its stored encoding.
    static func decodeOrder(_ body: Data) throws -> Order {
        try Order(wire: WireOrder(storedBytes: body))
    }

    /// An issue from its stored encoding.
    static func decodeIssue(_ body: Data) throws -> Issue {
        try Issue(stored: WireIssue(storedBytes: body))
    }
}
