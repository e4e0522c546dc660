import CommonAPI
import Foundation
import GRDB
import Outbox
import RPC
import ReturnsAPI
import ReturnsDomain
import Runtime
import Storage
import SupportPolicy
import Wire

/// The ``ReturnStore`` on the service's SQLite database.
struct SQLiteReturnStore: ReturnStore {
    /// The database.
    let database: ServiceDatabase

    func perform(
        key: String, caller: String, method: MethodDescriptor, request: [UInt8],
        _ body: @escaping @Sendable (any ReturnsTransaction) throws -> [UInt8]
    ) async throws -> [UInt8] {
        try await database.command(key: key, caller: caller, method: method, request: request) { db in
            try body(SQLiteReturnsTransaction(db: db))
        }
    }

    func transaction<Result: Sendable>(_ body: @escaping @Sendable (any ReturnsTransaction) throws -> Result)
        async throws
        -> Result
    {
        try await database.write { db in try body(SQLiteReturnsTransaction(db: db)) }
    }

    func productReturn(id: String) async throws -> ProductReturn? {
        try await database.read { db in try SQLiteReturnsTransaction(db: db).productReturn(id: id) }
    }

    func productReturns(orderID: String?, customerID: String?, limit: Int, after cursor: PageCursor?) async throws
        -> [ProductReturn]
    {
        let (column, value) = orderID.map { ("order_id", $0) } ?? ("customer_id", customerID ?? "")
        return try await database.read { db in
            var sql = "SELECT body FROM returns WHERE \(column) = ?"
            var arguments: StatementArguments = [value]
            if let cursor {
                sql += " AND (requested_at, return_id) < (?, ?)"
                arguments += [cursor.sortKey, cursor.id]
            }
            sql += " ORDER BY requested_at DESC, return_id DESC LIMIT ?"
            arguments += [limit]
            return try Data.fetchAll(db, sql: sql, arguments: arguments).map(SQLiteReturnsTransaction.decode)
        }
    }

    func awaitingRefund(limit: Int, dueAt now: Date) async throws -> [ProductReturn] {
        try await database.read { db in
            try Data.fetchAll(
                db,
                sql: """
                    SELECT body FROM returns WHERE awaiting_refund = 1 AND refund_attempt_at <= ?
                    ORDER BY refund_attempt_at, requested_at LIMIT ?
                    """,
                arguments: [now.timeIntervalSince1970, limit]
            ).map(SQLiteReturnsTransaction.decode)
        }
    }

    func postponeRefund(returnID: String, until time: Date) async throws {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE returns SET refund_attempt_at = ? WHERE return_id = ?",
                arguments: [time.timeIntervalSince1970, returnID])
        }
    }

    func productReturns(state: ReturnState, limit: Int, after cursor: PageCursor?) async throws -> [ProductReturn] {
        try await database.read { db in
            var sql = "SELECT body FROM returns WHERE state = ?"
            var arguments: StatementArguments = [state.rawValue]
            if let cursor {
                sql += " AND (requested_at, return_id) > (?, ?)"
                arguments += [cursor.sortKey, cursor.id]
            }
            sql += " ORDER BY requested_at, return_id LIMIT ?"
            arguments += [limit]
            return try Data.fetchAll(db, sql: sql, arguments: arguments).map(SQLiteReturnsTransaction.decode)
        }
    }
}

/// A command's view of the database, inside its write transaction.
struct SQLiteReturnsTransaction: ReturnsTransaction {
    /// The connection, in a transaction.
    let db: Database

    func productReturn(id: String) throws -> ProductReturn? {
        try Data.fetchOne(db, sql: "SELECT body FROM returns WHERE return_id = ?", arguments: [id]).map(Self.decode)
    }

    func returnedUnits(orderID: String) throws -> [Int: Int] {
        let rejected = ReturnState.rejected.rawValue
        var units: [Int: Int] = [:]
        for body in try Data.fetchAll(
            db, sql: "SELECT body FROM returns WHERE order_id = ? AND state != ?", arguments: [orderID, rejected])
        {
            for line in try Self.decode(body).lines { units[line.lineNumber, default: 0] += line.quantity }
        }
        return units
    }

    func refundedUnits(orderID: String, excluding returnID: String?) throws -> [Int: Int] {
        var units: [Int: Int] = [:]
        for body in try Data.fetchAll(db, sql: "SELECT body FROM returns WHERE order_id = ?", arguments: [orderID]) {
            let other = try Self.decode(body)
            guard other.id != returnID, other.holdsRefundedUnits else { continue }
            for line in other.lines { units[line.lineNumber, default: 0] += line.quantity }
        }
        return units
    }

    func save(_ productReturn: ProductReturn, fairness: FairnessFacts?) throws {
        try db.execute(
            sql: """
                INSERT INTO returns (return_id, order_id, customer_id, state, requested_at, awaiting_refund, region,
                    order_value_minor, currency, account_created_at, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (return_id) DO UPDATE SET state = excluded.state,
                    awaiting_refund = excluded.awaiting_refund, body = excluded.body
                """,
            arguments: [
                productReturn.id, productReturn.orderID, productReturn.customerID, productReturn.state.rawValue,
                productReturn.requestedAt.timeIntervalSince1970, productReturn.awaitsRefund ? 1 : 0,
                fairness?.region ?? "", fairness?.orderValue?.minorUnits, fairness?.orderValue?.currency,
                fairness?.accountCreatedAt?.timeIntervalSince1970, Data(productReturn.wire.serializedBytes()),
            ])
    }

    func fairness(returnID: String) throws -> FairnessFacts {
        guard
            let row = try Row.fetchOne(
                db,
                sql: "SELECT region, order_value_minor, currency, account_created_at FROM returns WHERE return_id = ?",
                arguments: [returnID])
        else { return FairnessFacts() }
        let value: Int64? = row["order_value_minor"]
        let currency: String? = row["currency"]
        let created: Double? = row["account_created_at"]
        return FairnessFacts(
            region: row["region"],
            orderValue: value.flatMap { value in currency.map { Money(minorUnits: value, currency: $0) } },
            accountCreatedAt: created.map { Date(timeIntervalSince1970: $0) })
    }

    func record(_ events: [Event]) throws {
        try OversightOutbox.record(events, in: db)
    }

    /// A return from its stored encoding.
    static func decode(_ body: Data) throws -> ProductReturn {
        try ProductReturn(stored: WireReturn(storedBytes: body))
    }
}
