import Foundation
import ReturnsDomain
import Storage
import SupportPolicy

/// How a return is kept: a row of `returns` (label, eligibility, decision, refund and the
/// fairness facts recorded for Oversight as columns) with its lines, timeline, messages and
/// notifications as rows of `return_lines`, `return_timeline`, `return_messages` and
/// `return_notifications`, in order. The same SQL on SQLite and PostgreSQL.
enum ReturnRows {
    /// The columns of `returns` read back, in the order ``productReturn(_:in:)`` reads them.
    static let columns = """
        return_id, order_id, customer_id, reason, remedy, description, state, label_carrier, label_tracking_number,
        label_url, label_cost_minor, label_cost_currency, eligible, eligibility_route, eligibility_rule_id,
        eligibility_rule_version, eligibility_rule_text, delivered_at, window_ends_at, days_since_delivery,
        eligibility_explanation, finding, decision_approved, decision_rule_id, decision_rule_version,
        decision_rule_text, decision_explanation, decided_at, refund_amount_minor, refund_currency, refund_id,
        replacement_id, requested_at, awaiting_refund
        """

    /// Stores a new or changed return (its lines, timeline, messages and notifications anew);
    /// `fairness` is written with a new return and kept as it was on later saves.
    static func save(_ item: ProductReturn, fairness: FairnessFacts?, in db: some SQLConnection) throws {
        let eligibility = item.eligibility
        let decision = item.decision
        let values: [any SQLBindable] = [
            item.id, item.orderID, item.customerID, item.reason.rawValue, item.remedy.rawValue, item.description,
            item.state.rawValue, item.label.carrier, item.label.trackingNumber, item.label.labelURL,
            item.label.customerCost.minorUnits, item.label.customerCost.currency, eligibility.eligible,
            eligibility.route.rawValue, eligibility.rule.id, eligibility.rule.version, eligibility.rule.text,
            eligibility.deliveredAt, eligibility.windowEndsAt, eligibility.daysSinceDelivery, eligibility.explanation,
            item.finding?.rawValue, decision?.approved, decision?.rule.id, decision?.rule.version, decision?.rule.text,
            decision?.explanation, decision?.decidedAt, item.refundAmount.minorUnits, item.refundAmount.currency,
            item.refundID, item.replacementID, item.requestedAt, item.awaitsRefund,
        ]
        let fairnessValues: [any SQLBindable] = [
            fairness?.region ?? "", fairness?.orderValue?.minorUnits, fairness?.orderValue?.currency,
            fairness?.accountCreatedAt,
        ]
        let names = columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let changed = names.dropFirst(3).map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        let marks = Array(repeating: "?", count: values.count + fairnessValues.count).joined(separator: ", ")
        try db.execute(
            """
            INSERT INTO returns (\(columns), region, order_value_minor, currency, account_created_at)
            VALUES (\(marks))
            ON CONFLICT (return_id) DO UPDATE SET \(changed)
            """, values + fairnessValues)
        // Lines are written anew (their refund amounts are set on approval; at most the order's
        // 500); the timeline, messages and notifications only grow: the new ones are appended.
        try db.execute("DELETE FROM return_lines WHERE return_id = ?", [item.id])
        let stored = try storedChildren.counts(of: item.id, in: db)
        for (position, line) in item.lines.enumerated() {
            try db.execute(
                """
                INSERT INTO return_lines (return_id, position, line_number, quantity, paid_share_minor,
                    paid_share_currency, ordered_quantity, refund_amount_minor, refund_amount_currency)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    item.id, position, line.lineNumber, line.quantity, line.paidShare?.minorUnits,
                    line.paidShare?.currency, line.orderedQuantity, line.refundAmount?.minorUnits,
                    line.refundAmount?.currency,
                ])
        }
        for (position, entry) in item.timeline.enumerated().dropFirst(stored[0]) {
            try db.execute(
                """
                INSERT INTO return_timeline (return_id, position, action, actor_subject, actor_role, detail, at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    item.id, position, entry.action, entry.actor.subject, entry.actor.role.rawValue, entry.detail,
                    entry.at,
                ])
        }
        for (table, messages, known) in [
            ("return_messages", item.messages, stored[1]),
            ("return_notifications", item.notifications, stored[2]),
        ] {
            for (position, message) in messages.enumerated().dropFirst(known) {
                try db.execute(
                    """
                    INSERT INTO \(table) (return_id, position, message_id, author_subject, author_role, text, sent_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        item.id, position, message.id, message.author.subject, message.author.role.rawValue,
                        message.text, message.sentAt,
                    ])
            }
        }
    }

    /// The counts a save appends after.
    private static let storedChildren = StoredChildCounts(
        tables: ["return_timeline", "return_messages", "return_notifications"], key: "return_id")

    /// The returns `sql` selects (with ``columns``), with their children.
    static func returns(_ sql: String, _ arguments: [any SQLBindable], in db: some SQLConnection) throws
        -> [ProductReturn]
    {
        try db.fetchRows(sql, arguments).map { try productReturn($0, in: db) }
    }

    /// The return in `row` (selected with ``columns``).
    static func productReturn(_ row: SQLRow, in db: some SQLConnection) throws -> ProductReturn {
        let id = try row.string(0)
        let lines = try db.fetchRows(
            """
            SELECT line_number, quantity, paid_share_minor, paid_share_currency, ordered_quantity,
                refund_amount_minor, refund_amount_currency
            FROM return_lines WHERE return_id = ? ORDER BY position
            """, [id]
        ).map { line in
            ReturnLine(
                lineNumber: try line.int(0), quantity: try line.int(1), paidShare: try money(line, 2),
                orderedQuantity: try line.int(4), refundAmount: try money(line, 5))
        }
        let timeline = try db.fetchRows(
            "SELECT action, actor_subject, actor_role, detail, at FROM return_timeline WHERE return_id = ? ORDER BY position",
            [id]
        ).map { entry in
            ReturnTimelineEntry(
                action: try entry.string(0), actor: try actor(entry, 1), detail: try entry.string(3),
                at: try entry.date(4))
        }
        func messages(_ table: String) throws -> [CaseMessage] {
            try db.fetchRows(
                "SELECT message_id, author_subject, author_role, text, sent_at FROM \(table) WHERE return_id = ? ORDER BY position",
                [id]
            ).map { message in
                CaseMessage(
                    id: try message.string(0), author: try actor(message, 1), text: try message.string(3),
                    sentAt: try message.date(4))
            }
        }
        let decision: ReturnDecision? =
            try row.isNull(22)
            ? nil
            : ReturnDecision(
                approved: try row.bool(22),
                rule: PolicyRule(id: try row.string(23), text: try row.string(25), version: try row.string(24)),
                explanation: try row.string(26), decidedAt: try row.date(27))
        return ProductReturn(
            id: id, orderID: try row.string(1), customerID: try row.string(2),
            lines: lines, reason: try code(ReturnReason.self, row, 3), remedy: try code(ReturnRemedy.self, row, 4),
            description: try row.string(5), state: try code(ReturnState.self, row, 6),
            label: ReturnLabel(
                carrier: try row.string(7), trackingNumber: try row.string(8), labelURL: try row.string(9),
                customerCost: Money(minorUnits: try row.int64(10), currency: try row.string(11))),
            eligibility: Eligibility(
                eligible: try row.bool(12), route: try code(EligibilityRoute.self, row, 13),
                rule: PolicyRule(id: try row.string(14), text: try row.string(16), version: try row.string(15)),
                deliveredAt: try row.optionalDate(17), windowEndsAt: try row.optionalDate(18),
                daysSinceDelivery: try row.optionalInt64(19).map { Int($0) }, explanation: try row.string(20)),
            finding: try row.isNull(21) ? nil : try code(InspectionFinding.self, row, 21), decision: decision,
            refundAmount: Money(minorUnits: try row.int64(28), currency: try row.string(29)),
            refundID: try row.string(30), replacementID: try row.string(31), timeline: timeline,
            messages: try messages("return_messages"), notifications: try messages("return_notifications"),
            requestedAt: try row.date(32))
    }

    private static func code<Value: RawRepresentable>(_ type: Value.Type, _ row: SQLRow, _ index: Int) throws -> Value
    where Value.RawValue == Int {
        guard let value = Value(rawValue: try row.int(index)) else {
            throw StoredValueError(column: index, expected: "a known \(Value.self)")
        }
        return value
    }

    private static func money(_ row: SQLRow, _ index: Int) throws -> Money? {
        guard let minor = try row.optionalInt64(index) else { return nil }
        return Money(minorUnits: minor, currency: try row.string(index + 1))
    }

    private static func actor(_ row: SQLRow, _ index: Int) throws -> Actor {
        guard let role = Actor.Role(rawValue: try row.string(index + 1)) else {
            throw StoredValueError(column: index + 1, expected: "a known role")
        }
        return Actor(subject: try row.string(index), role: role)
    }
}
