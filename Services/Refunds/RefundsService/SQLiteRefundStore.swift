import CommonAPI
import Foundation
import GRDB
import Outbox
import RPC
import RefundsAPI
import RefundsDomain
import Runtime
import Storage
import SupportPolicy
import Wire

/// The ``RefundStore`` on the service's SQLite database.
struct SQLiteRefundStore: RefundStore {
    /// The database.
    let database: ServiceDatabase

    func perform(
        key: String, caller: String, method: MethodDescriptor, request: [UInt8],
        _ body: @escaping @Sendable (any RefundsTransaction) throws -> [UInt8]
    ) async throws -> [UInt8] {
        try await database.command(key: key, caller: caller, method: method, request: request) { db in
            try body(SQLiteRefundsTransaction(db: db))
        }
    }

    func record(_ events: [Event]) async throws {
        try await database.write { db in try OversightOutbox.record(events, in: db) }
    }

    func orderFacts(id: String) async throws -> OrderFacts? {
        try await database.read { db in try SQLiteRefundsTransaction(db: db).orderFacts(id: id) }
    }

    func refund(id: String) async throws -> Refund? {
        try await database.read { db in try SQLiteRefundsTransaction(db: db).refund(id: id) }
    }

    func refunds(orderID: String?, customerID: String?, limit: Int, after cursor: PageCursor?) async throws -> [Refund]
    {
        let (column, value) = orderID.map { ("order_id", $0) } ?? ("customer_id", customerID ?? "")
        return try await database.read { db in
            var sql = "SELECT body FROM refunds WHERE \(column) = ?"
            var arguments: StatementArguments = [value]
            if let cursor {
                sql += " AND (approved_at, refund_id) < (?, ?)"
                arguments += [cursor.sortKey, cursor.id]
            }
            sql += " ORDER BY approved_at DESC, refund_id DESC LIMIT ?"
            arguments += [limit]
            return try Data.fetchAll(db, sql: sql, arguments: arguments).map(SQLiteRefundsTransaction.decode)
        }
    }

    func reportBreaches(at now: Date, event: @escaping @Sendable (Refund) -> Event) async throws -> Int {
        try await database.write { db in
            let overdue = try Data.fetchAll(
                db,
                sql: "SELECT body FROM refunds WHERE state IN (1, 2) AND breach_reported = 0 AND expected_by < ?",
                arguments: [now.timeIntervalSince1970]
            ).map(SQLiteRefundsTransaction.decode)
            try OversightOutbox.record(overdue.map(event), in: db)
            for refund in overdue {
                try db.execute(
                    sql: "UPDATE refunds SET breach_reported = 1 WHERE refund_id = ?", arguments: [refund.id])
            }
            return overdue.count
        }
    }
}

/// A command's view of the database, inside its write transaction.
struct SQLiteRefundsTransaction: RefundsTransaction {
    /// The connection, in a transaction.
    let db: Database

    func orderFacts(id: String) throws -> OrderFacts? {
        try Row.fetchOne(db, sql: "SELECT * FROM order_facts WHERE order_id = ?", arguments: [id]).map { row in
            let currency: String = row["currency"]
            let value: Int64? = row["order_value_minor"]
            let created: Double? = row["account_created_at"]
            return OrderFacts(
                orderID: row["order_id"], customerID: row["customer_id"],
                paid: Money(minorUnits: row["paid_minor"], currency: currency),
                fairness: FairnessFacts(
                    region: row["region"], orderValue: value.map { Money(minorUnits: $0, currency: currency) },
                    accountCreatedAt: created.map { Date(timeIntervalSince1970: $0) }))
        }
    }

    func save(_ facts: OrderFacts) throws {
        try db.execute(
            sql: """
                INSERT INTO order_facts (order_id, customer_id, paid_minor, currency, region, order_value_minor, account_created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING
                """,
            arguments: [
                facts.orderID, facts.customerID, facts.paid.minorUnits, facts.paid.currency, facts.fairness.region,
                facts.fairness.orderValue?.minorUnits, facts.fairness.accountCreatedAt?.timeIntervalSince1970,
            ])
    }

    func refunds(orderID: String) throws -> [Refund] {
        try Data.fetchAll(db, sql: "SELECT body FROM refunds WHERE order_id = ?", arguments: [orderID]).map(Self.decode)
    }

    func refund(id: String) throws -> Refund? {
        try Data.fetchOne(db, sql: "SELECT body FROM refunds WHERE refund_id = ?", arguments: [id]).map(Self.decode)
    }

    func save(_ refund: Refund) throws {
        try db.execute(
            sql: """
                INSERT INTO refunds (refund_id, order_id, customer_id, state, approved_at, expected_by, body)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (refund_id) DO UPDATE SET state = excluded.state, body = excluded.body
                """,
            arguments: [
                refund.id, refund.orderID, refund.customerID, refund.state.rawValue,
                refund.approvedAt.timeIntervalSince1970, refund.expectedBy.timeIntervalSince1970,
                Data(refund.wire(at: refund.approvedAt).serializedBytes()),
            ])
    }

    func record(_ events: [Event]) throws {
        try OversightOutbox.record(events, in: db)
    }

    /// A refund from its stored encoding.
    static func decode(_ body: Data) throws -> Refund {
        try Refund(stored: WireRefund(storedBytes: body))
    }
}
