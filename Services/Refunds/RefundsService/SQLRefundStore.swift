import CommonAPI
import Foundation
import Outbox
import RPC
import RefundsDomain
import Runtime
import Storage
import SupportPolicy

/// The ``RefundStore`` on the service's database, SQLite or PostgreSQL: the same SQL on both
/// (``RefundRows``).
struct SQLRefundStore: RefundStore {
    /// The database.
    let database: ServiceDatabase

    func perform(
        key: String, caller: String, method: MethodDescriptor, request: [UInt8],
        _ body: @escaping @Sendable (any RefundsTransaction) throws -> [UInt8]
    ) async throws -> [UInt8] {
        try await database.perform(key: key, caller: caller, method: method, request: request) { db in
            try body(SQLRefundsTransaction(db: db))
        }
    }

    func record(_ events: [Event]) async throws {
        try await database.transaction { db in try OversightOutbox.record(events, in: db) }
    }

    func orderFacts(id: String) async throws -> OrderFacts? {
        try await database.snapshot { db in try SQLRefundsTransaction(db: db).orderFacts(id: id) }
    }

    func refund(id: String) async throws -> Refund? {
        try await database.snapshot { db in
            try RefundRows.refunds("SELECT \(RefundRows.columns) FROM refunds WHERE refund_id = ?", [id], in: db).first
        }
    }

    func refunds(orderID: String?, customerID: String?, limit: Int, after cursor: PageCursor?) async throws -> [Refund]
    {
        let (column, value) = orderID.map { ("order_id", $0) } ?? ("customer_id", customerID ?? "")
        return try await database.snapshot { db in
            var sql = "SELECT \(RefundRows.columns) FROM refunds WHERE \(column) = ?"
            var arguments: [any SQLBindable] = [value]
            if let cursor {
                sql += " AND (approved_at, refund_id) < (?, ?)"
                arguments += [cursor.sortKey, cursor.id]
            }
            sql += " ORDER BY approved_at DESC, refund_id DESC LIMIT ?"
            arguments.append(limit)
            return try RefundRows.refunds(sql, arguments, in: db)
        }
    }

    func reportBreaches(at now: Date, event: @escaping @Sendable (Refund) -> Event) async throws -> Int {
        try await database.transaction { db in
            // The rows are locked and skipped by another replica's monitor running at once, so
            // each breach is reported once.
            let lock = db.sqlDialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
            let overdue = try RefundRows.refunds(
                """
                SELECT \(RefundRows.columns) FROM refunds
                WHERE state IN (1, 2) AND breach_reported = 0 AND expected_by < ?\(lock)
                """, [now.timeIntervalSince1970], in: db)
            try OversightOutbox.record(overdue.map(event), in: db)
            for refund in overdue {
                try db.execute("UPDATE refunds SET breach_reported = 1 WHERE refund_id = ?", [refund.id])
            }
            return overdue.count
        }
    }
}

/// A command's view of the database, inside its write transaction. Reading an order's refunds
/// takes the order's lock (on PostgreSQL), so that commands on several replicas decide on one
/// order's refunds one after the other: never more than was paid, one refund per source.
struct SQLRefundsTransaction: RefundsTransaction {
    /// The connection, in a transaction.
    let db: any SQLConnection

    func orderFacts(id: String) throws -> OrderFacts? {
        guard
            let row = try db.fetchOne(
                """
                SELECT order_id, customer_id, paid_minor, currency, region, order_value_minor, account_created_at
                FROM order_facts WHERE order_id = ?
                """, [id])
        else { return nil }
        let currency = try row.string(3)
        return OrderFacts(
            orderID: try row.string(0), customerID: try row.string(1),
            paid: Money(minorUnits: try row.int64(2), currency: currency),
            fairness: FairnessFacts(
                region: try row.string(4),
                orderValue: try row.optionalInt64(5).map { Money(minorUnits: $0, currency: currency) },
                accountCreatedAt: try row.optionalDate(6)))
    }

    func save(_ facts: OrderFacts) throws {
        try db.execute(
            """
            INSERT INTO order_facts (order_id, customer_id, paid_minor, currency, region, order_value_minor,
                account_created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING
            """,
            [
                facts.orderID, facts.customerID, facts.paid.minorUnits, facts.paid.currency, facts.fairness.region,
                facts.fairness.orderValue?.minorUnits, facts.fairness.accountCreatedAt,
            ])
    }

    func refunds(orderID: String) throws -> [Refund] {
        try db.lock(named: "refunds-of-order\u{1F}\(orderID)")
        return try RefundRows.refunds(
            "SELECT \(RefundRows.columns) FROM refunds WHERE order_id = ? ORDER BY approved_at, refund_id", [orderID],
            in: db)
    }

    func refund(id: String) throws -> Refund? {
        try RefundRows.refunds(
            "SELECT \(RefundRows.columns) FROM refunds WHERE refund_id = ?\(db.sqlDialect.forUpdate)", [id], in: db
        ).first
    }

    func save(_ refund: Refund) throws {
        try RefundRows.save(refund, in: db)
    }

    func record(_ events: [Event]) throws {
        try OversightOutbox.record(events, in: db)
    }
}
