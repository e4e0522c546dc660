import CommonAPI
import Foundation
import Outbox
import RPC
import ReturnsDomain
import Runtime
import Storage
import SupportPolicy

/// The ``ReturnStore`` on the service's database, SQLite or PostgreSQL: the same SQL on both
/// (``ReturnRows``).
struct SQLReturnStore: ReturnStore {
    /// The database.
    let database: ServiceDatabase

    func perform(
        key: String, caller: String, method: MethodDescriptor, request: [UInt8],
        _ body: @escaping @Sendable (any ReturnsTransaction) throws -> [UInt8]
    ) async throws -> [UInt8] {
        try await database.perform(key: key, caller: caller, method: method, request: request) { db in
            try body(SQLReturnsTransaction(db: db))
        }
    }

    func transaction<Result: Sendable>(_ body: @escaping @Sendable (any ReturnsTransaction) throws -> Result)
        async throws
        -> Result
    {
        try await database.transaction { db in try body(SQLReturnsTransaction(db: db)) }
    }

    func productReturn(id: String) async throws -> ProductReturn? {
        try await database.snapshot { db in
            try ReturnRows.returns("SELECT \(ReturnRows.columns) FROM returns WHERE return_id = ?", [id], in: db).first
        }
    }

    func productReturns(orderID: String?, customerID: String?, limit: Int, after cursor: PageCursor?) async throws
        -> [ProductReturn]
    {
        let (column, value) = orderID.map { ("order_id", $0) } ?? ("customer_id", customerID ?? "")
        return try await database.snapshot { db in
            var sql = "SELECT \(ReturnRows.columns) FROM returns WHERE \(column) = ?"
            var arguments: [any SQLBindable] = [value]
            if let cursor {
                sql += " AND (requested_at, return_id) < (?, ?)"
                arguments += [cursor.sortKey, cursor.id]
            }
            sql += " ORDER BY requested_at DESC, return_id DESC LIMIT ?"
            arguments.append(limit)
            return try ReturnRows.returns(sql, arguments, in: db)
        }
    }

    func claimRefunds(limit: Int, dueAt now: Date, until claimEnd: Date) async throws -> [ProductReturn] {
        try await database.transaction { db in
            // Rows another replica is claiming at this moment are skipped; rows it claimed are no
            // longer due, so each return is asked for by one replica at a time.
            let lock = db.sqlDialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
            let due = try ReturnRows.returns(
                """
                SELECT \(ReturnRows.columns) FROM returns WHERE awaiting_refund = 1 AND refund_attempt_at <= ?
                ORDER BY refund_attempt_at, requested_at LIMIT ?\(lock)
                """, [now.timeIntervalSince1970, limit], in: db)
            for productReturn in due {
                try db.execute(
                    "UPDATE returns SET refund_attempt_at = ? WHERE return_id = ?", [claimEnd, productReturn.id])
            }
            return due
        }
    }

    func claimRefund(returnID: String, dueAt now: Date, until claimEnd: Date) async throws -> ProductReturn? {
        try await database.transaction { db in
            let claimed = try db.execute(
                """
                UPDATE returns SET refund_attempt_at = ?
                WHERE return_id = ? AND awaiting_refund = 1 AND refund_attempt_at <= ?
                """, [claimEnd, returnID, now.timeIntervalSince1970])
            guard claimed > 0 else { return nil }
            return try ReturnRows.returns(
                "SELECT \(ReturnRows.columns) FROM returns WHERE return_id = ?", [returnID], in: db
            ).first
        }
    }

    func postponeRefund(returnID: String, until time: Date) async throws {
        try await database.transaction { db in
            try db.execute("UPDATE returns SET refund_attempt_at = ? WHERE return_id = ?", [time, returnID])
        }
    }

    func productReturns(state: ReturnState, limit: Int, after cursor: PageCursor?) async throws -> [ProductReturn] {
        try await database.snapshot { db in
            var sql = "SELECT \(ReturnRows.columns) FROM returns WHERE state = ?"
            var arguments: [any SQLBindable] = [state.rawValue]
            if let cursor {
                sql += " AND (requested_at, return_id) > (?, ?)"
                arguments += [cursor.sortKey, cursor.id]
            }
            sql += " ORDER BY requested_at, return_id LIMIT ?"
            arguments.append(limit)
            return try ReturnRows.returns(sql, arguments, in: db)
        }
    }
}

/// A command's view of the database, inside its write transaction: a return it reads is locked
/// (on PostgreSQL), and counting an order's returned or refunded units takes the order's lock, so
/// that commands on several replicas decide on one order one after the other.
struct SQLReturnsTransaction: ReturnsTransaction {
    /// The connection, in a transaction.
    let db: any SQLConnection

    func productReturn(id: String) throws -> ProductReturn? {
        try ReturnRows.returns(
            "SELECT \(ReturnRows.columns) FROM returns WHERE return_id = ?\(db.sqlDialect.forUpdate)", [id], in: db
        ).first
    }

    func returnedUnits(orderID: String) throws -> [Int: Int] {
        var units: [Int: Int] = [:]
        for other in try returns(orderID: orderID) where other.state != .rejected {
            for line in other.lines { units[line.lineNumber, default: 0] += line.quantity }
        }
        return units
    }

    func refundedUnits(orderID: String, excluding returnID: String?) throws -> [Int: Int] {
        var units: [Int: Int] = [:]
        for other in try returns(orderID: orderID) where other.id != returnID && other.holdsRefundedUnits {
            for line in other.lines { units[line.lineNumber, default: 0] += line.quantity }
        }
        return units
    }

    func save(_ productReturn: ProductReturn, fairness: FairnessFacts?) throws {
        try ReturnRows.save(productReturn, fairness: fairness, in: db)
    }

    func fairness(returnID: String) throws -> FairnessFacts {
        guard
            let row = try db.fetchOne(
                "SELECT region, order_value_minor, currency, account_created_at FROM returns WHERE return_id = ?",
                [returnID])
        else { return FairnessFacts() }
        return try fairness(row)
    }

    func record(_ events: [Event]) throws {
        try OversightOutbox.record(events, in: db)
    }

    /// Every return of an order, under the order's lock.
    private func returns(orderID: String) throws -> [ProductReturn] {
        try db.lock(named: "returns-of-order\u{1F}\(orderID)")
        return try ReturnRows.returns(
            "SELECT \(ReturnRows.columns) FROM returns WHERE order_id = ? ORDER BY requested_at, return_id", [orderID],
            in: db)
    }

    private func fairness(_ row: SQLRow) throws -> FairnessFacts {
        let value = try row.optionalInt64(1)
        let currency = try row.optionalString(2)
        return FairnessFacts(
            region: try row.string(0),
            orderValue: value.flatMap { value in currency.map { Money(minorUnits: value, currency: $0) } },
            accountCreatedAt: try row.optionalDate(3))
    }
}
