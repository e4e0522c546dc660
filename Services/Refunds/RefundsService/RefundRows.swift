import Foundation
import RefundsDomain
import Storage
import SupportPolicy

/// How a refund is kept: one row of `refunds`, its amount, source and rule as columns, and the
/// order facts fetched from Orders as a row of `order_facts`. The same SQL on SQLite and PostgreSQL.
enum RefundRows {
    /// The columns of `refunds` read back, in the order ``refund(_:)`` reads them.
    static let columns = """
        refund_id, order_id, customer_id, amount_minor, currency, state, source_kind, source_value, failure_reason,
        approved_at, expected_by, finished_at, payment_reference, rule_id, rule_version, rule_text
        """

    /// Stores a new or changed refund.
    static func save(_ refund: Refund, in db: some SQLConnection) throws {
        let (kind, value) = source(refund.source)
        try db.execute(
            """
            INSERT INTO refunds (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (refund_id) DO UPDATE SET state = excluded.state, failure_reason = excluded.failure_reason,
                finished_at = excluded.finished_at, payment_reference = excluded.payment_reference,
                amount_minor = excluded.amount_minor, expected_by = excluded.expected_by
            """,
            [
                refund.id, refund.orderID, refund.customerID, refund.amount.minorUnits, refund.amount.currency,
                refund.state.rawValue, kind, value, refund.failureReason, refund.approvedAt, refund.expectedBy,
                refund.finishedAt, refund.paymentReference, refund.rule.id, refund.rule.version, refund.rule.text,
            ])
    }

    /// The refunds `sql` selects (with ``columns``).
    static func refunds(_ sql: String, _ arguments: [any SQLBindable], in db: some SQLConnection) throws -> [Refund] {
        try db.fetchRows(sql, arguments).map(refund)
    }

    /// The refund in `row`.
    static func refund(_ row: SQLRow) throws -> Refund {
        guard let state = RefundState(rawValue: try row.int(5)) else {
            throw StoredValueError(column: 5, expected: "a known refund state")
        }
        let value = try row.string(7)
        let source: RefundSource
        switch try row.string(6) {
        case "return": source = .returnID(value)
        case "issue": source = .issueID(value)
        case "agent_note": source = .agentNote(value)
        default: throw StoredValueError(column: 6, expected: "a known refund source")
        }
        return Refund(
            id: try row.string(0), orderID: try row.string(1), customerID: try row.string(2),
            amount: Money(minorUnits: try row.int64(3), currency: try row.string(4)), state: state, source: source,
            failureReason: try row.string(8), approvedAt: try row.date(9), expectedBy: try row.date(10),
            finishedAt: try row.optionalDate(11), paymentReference: try row.string(12),
            rule: PolicyRule(id: try row.string(13), text: try row.string(15), version: try row.string(14)))
    }

    /// The stored kind and value of a source.
    private static func source(_ source: RefundSource) -> (String, String) {
        switch source {
        case .returnID(let id): ("return", id)
        case .issueID(let id): ("issue", id)
        case .agentNote(let note): ("agent_note", note)
        }
    }
}
