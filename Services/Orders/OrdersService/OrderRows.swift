import Foundation
import OrdersDomain
import Storage
import SupportPolicy

/// How an order is kept: a row of `orders` (with its address and fairness facts as columns) and
/// its lines, payments and tracking events as rows of `order_lines`, `order_payments` and
/// `order_tracking_events`, in their order (`position`). The SQL is the same on SQLite and
/// PostgreSQL.
enum OrderRows {
    /// The columns of `orders` read back, in the order ``order(_:lines:payments:events:)`` reads them.
    static let columns = """
        order_id, customer_id, status, placed_at, shipped_at, delivered_at, customer_note, ship_recipient, ship_line1,
        ship_line2, ship_city, ship_state, ship_postal_code, ship_country_code, fairness_region, fairness_order_value,
        fairness_order_value_currency, fairness_account_created_at
        """

    /// Stores a new order and its lines, payments and tracking events.
    static func insert(_ order: Order, in db: some SQLConnection) throws {
        try db.execute(
            """
            INSERT INTO orders (\(columns))
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [order.id, order.customerID] + values(of: order))
        try insertChildren(of: order, in: db)
    }

    /// Stores a changed order, `stored` being the order as its transaction read it: its row if it
    /// changed, its lines and payments anew if they changed, and its tracking events from the
    /// first that differs from `stored`'s on. Events are kept at positions 0, 1, 2, ... in the
    /// order ``OrdersDomain/Order/record(_:now:)`` keeps (when they occurred), as every release
    /// has read them: a new event that occurred last (nearly all of them) is one row appended; a
    /// late one rewrites only the events after it. Recording an event so costs a row or a few,
    /// not a rewrite of the whole order.
    static func update(_ order: Order, from stored: Order, in db: some SQLConnection) throws {
        if rowChanged(order, from: stored) {
            try db.execute(
                """
                UPDATE orders SET status = ?, placed_at = ?, shipped_at = ?, delivered_at = ?, customer_note = ?,
                    ship_recipient = ?, ship_line1 = ?, ship_line2 = ?, ship_city = ?, ship_state = ?,
                    ship_postal_code = ?, ship_country_code = ?, fairness_region = ?, fairness_order_value = ?,
                    fairness_order_value_currency = ?, fairness_account_created_at = ?
                WHERE order_id = ?
                """,
                values(of: order) + [order.id])
        }
        if order.lines != stored.lines {
            try db.execute("DELETE FROM order_lines WHERE order_id = ?", [order.id])
            try insertLines(of: order, in: db)
        }
        if order.payments != stored.payments {
            try db.execute("DELETE FROM order_payments WHERE order_id = ?", [order.id])
            try insertPayments(of: order, in: db)
        }
        let events = order.trackingEvents
        let kept = zip(events, stored.trackingEvents).prefix { $0 == $1 }.count
        if kept < stored.trackingEvents.count {
            try db.execute("DELETE FROM order_tracking_events WHERE order_id = ? AND position >= ?", [order.id, kept])
        }
        try insertTrackingEvents(events[kept...], of: order.id, from: kept, in: db)
    }

    /// Whether `order` differs from `stored` in a column of its row (not in its lines, payments or
    /// tracking events).
    private static func rowChanged(_ order: Order, from stored: Order) -> Bool {
        var rowOnly = order
        rowOnly.lines = stored.lines
        rowOnly.payments = stored.payments
        rowOnly.trackingEvents = stored.trackingEvents
        return rowOnly != stored
    }

    /// One order; `locking` (inside a write transaction) locks its row on PostgreSQL until the
    /// transaction ends, so that concurrent commands on other replicas change it one at a time.
    static func order(id: String, locking: Bool, in db: some SQLConnection) throws -> Order? {
        let sql = locking && db.sqlDialect == .postgres ? selectOneForUpdate : selectOne
        return try load(db.fetchRows(sql, [id]), in: db).first
    }

    /// One order's row and tracking events, its lines and payments left empty (not read), with
    /// how many of its issues are awaiting an outcome (``IssueState/awaitingOutcome``): what its
    /// status needs (``OrderStore/orderStatusWithOpenIssueCount(id:)``), in two statements: the
    /// count is a column of the order's row (a subquery on `issues_by_order`), not a third.
    static func orderStatusWithOpenIssueCount(id: String, in db: some SQLConnection) throws
        -> (order: Order, openIssues: Int)?
    {
        let states: [any SQLBindable] = IssueState.awaitingOutcome.map(\.rawValue)
        guard let row = try db.fetchRows(selectOneWithOpenIssues, states + [id]).first,
            let order = try load([row], withLinesAndPayments: false, in: db).first
        else { return nil }
        return (order, try row.int(openIssuesColumn))
    }

    /// ``selectOne`` with the count of the order's issues in the states of
    /// ``IssueState/awaitingOutcome`` after its columns (those states bound before the id, one
    /// placeholder each: a state added there is counted, not a statement refused at run time).
    private static let selectOneWithOpenIssues = """
        SELECT \(columns), (SELECT COUNT(*) FROM issues WHERE issues.order_id = orders.order_id \
        AND issues.state IN (\(Array(repeating: "?", count: IssueState.awaitingOutcome.count).joined(separator: ", ")))) \
        FROM orders WHERE order_id = ?
        """
    /// Where ``selectOneWithOpenIssues`` puts the count: after the 18 of ``columns``.
    private static let openIssuesColumn = 18

    /// One order's row and lines, its payments and tracking events left empty (not read): what
    /// reporting an issue reads (the order's owner, its status, and its value through its lines:
    /// ``Order/recordedFairness``), in two statements instead of four; `locking` as for
    /// ``order(id:locking:in:)``. Never stored back: ``update(_:in:)`` would drop what it lacks.
    static func orderWithoutPaymentsAndTracking(id: String, locking: Bool, in db: some SQLConnection) throws
        -> Order?
    {
        let sql = locking && db.sqlDialect == .postgres ? selectOneForUpdate : selectOne
        guard let row = try db.fetchRows(sql, [id]).first else { return nil }
        let lines = try db.fetchRows(oneOrderChildren.lines, [id]).map(line)
        return try order(row, lines: lines, payments: [], events: [])
    }

    /// One order's row by id; the SQL texts of the one-order read are constants, so that a read
    /// neither builds them nor hashes a new string to find its prepared statement.
    private static let selectOne = "SELECT \(columns) FROM orders WHERE order_id = ?"
    /// The same, locking the row (PostgreSQL).
    private static let selectOneForUpdate = selectOne + SQLDialect.postgres.forUpdate
    /// The children queries for one order.
    private static let oneOrderChildren = ChildQueries(filter: "order_id = ?")

    /// The orders of `rows` (selected with ``columns``), in their order, with their tracking
    /// events, and with their lines and payments unless `withLinesAndPayments` is false.
    static func load(_ rows: [SQLRow], withLinesAndPayments: Bool = true, in db: some SQLConnection) throws
        -> [Order]
    {
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { try $0.string(0) }
        let queries =
            ids.count == 1
            ? oneOrderChildren
            : ChildQueries(filter: "order_id IN (\(Array(repeating: "?", count: ids.count).joined(separator: ", ")))")
        var lines: [String: [OrderLine]] = [:]
        for row in try withLinesAndPayments ? db.fetchRows(queries.lines, ids) : [] {
            lines[try row.string(0), default: []].append(try line(row))
        }
        var payments: [String: [Payment]] = [:]
        for row in try withLinesAndPayments ? db.fetchRows(queries.payments, ids) : [] {
            payments[try row.string(0), default: []].append(
                Payment(
                    id: try row.string(1), amount: Money(minorUnits: try row.int64(2), currency: try row.string(3)),
                    method: try row.string(4), capturedAt: try row.date(5)))
        }
        var events: [String: [TrackingEvent]] = [:]
        for row in try db.fetchRows(queries.events, ids) {
            events[try row.string(0), default: []].append(
                TrackingEvent(
                    id: try row.string(1), carrier: try row.string(2), trackingNumber: try row.string(3),
                    status: try StoredCode.integer(TrackingStatus.self, row, 4), description: try row.string(5),
                    location: try row.string(6), occurredAt: try row.date(7)))
        }
        return try rows.map { row in
            let id = try row.string(0)
            return try order(row, lines: lines[id] ?? [], payments: payments[id] ?? [], events: events[id] ?? [])
        }
    }

    /// The line in `row` (selected by ``ChildQueries/lines``).
    private static func line(_ row: SQLRow) throws -> OrderLine {
        let currency = try row.string(6)
        return OrderLine(
            number: try row.int(1), sku: try row.string(2), title: try row.string(3), quantity: try row.int(4),
            unitPrice: Money(minorUnits: try row.int64(5), currency: currency),
            paidShare: try row.optionalInt64(7).map { Money(minorUnits: $0, currency: currency) })
    }

    /// The order in `row` (selected with ``columns``) with its children.
    private static func order(_ row: SQLRow, lines: [OrderLine], payments: [Payment], events: [TrackingEvent]) throws
        -> Order
    {
        let orderValue = try row.optionalInt64(15).map { Money(minorUnits: $0, currency: try row.string(16)) }
        return Order(
            id: try row.string(0), customerID: try row.string(1), lines: lines, payments: payments,
            shippingAddress: Address(
                recipient: try row.string(7), line1: try row.string(8), line2: try row.string(9),
                city: try row.string(10), state: try row.string(11), postalCode: try row.string(12),
                countryCode: try row.string(13)),
            status: try StoredCode.integer(OrderStatus.self, row, 2), placedAt: try row.date(3),
            shippedAt: try row.optionalDate(4), deliveredAt: try row.optionalDate(5), trackingEvents: events,
            fairness: FairnessFacts(
                region: try row.string(14), orderValue: orderValue, accountCreatedAt: try row.optionalDate(17)),
            customerNote: try row.string(6))
    }

    /// The values of the columns after `order_id` and `customer_id`, in ``columns`` order.
    private static func values(of order: Order) -> [any SQLBindable] {
        let address = order.shippingAddress
        return [
            order.status.rawValue, order.placedAt, order.shippedAt, order.deliveredAt, order.customerNote,
            address.recipient, address.line1, address.line2, address.city, address.state, address.postalCode,
            address.countryCode, order.fairness.region, order.fairness.orderValue?.minorUnits,
            order.fairness.orderValue?.currency, order.fairness.accountCreatedAt,
        ]
    }

    /// Stores a new order's lines, payments and tracking events.
    private static func insertChildren(of order: Order, in db: some SQLConnection) throws {
        try insertLines(of: order, in: db)
        try insertPayments(of: order, in: db)
        try insertTrackingEvents(order.trackingEvents[...], of: order.id, from: 0, in: db)
    }

    private static func insertLines(of order: Order, in db: some SQLConnection) throws {
        for (position, line) in order.lines.enumerated() {
            try db.execute(
                """
                INSERT INTO order_lines
                    (order_id, position, line_number, sku, title, quantity, unit_price, currency, paid_share)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    order.id, position, line.number, line.sku, line.title, line.quantity, line.unitPrice.minorUnits,
                    line.unitPrice.currency, line.paidShare?.minorUnits,
                ])
        }
    }

    private static func insertPayments(of order: Order, in db: some SQLConnection) throws {
        for (position, payment) in order.payments.enumerated() {
            try db.execute(
                """
                INSERT INTO order_payments (order_id, position, payment_id, amount, currency, method, captured_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    order.id, position, payment.id, payment.amount.minorUnits, payment.amount.currency, payment.method,
                    payment.capturedAt,
                ])
        }
    }

    /// Stores `events` of order `orderID` at positions `first`, `first + 1`, ...
    private static func insertTrackingEvents(
        _ events: ArraySlice<TrackingEvent>, of orderID: String, from first: Int, in db: some SQLConnection
    ) throws {
        for (offset, event) in events.enumerated() {
            try db.execute(
                """
                INSERT INTO order_tracking_events (order_id, position, event_id, carrier, tracking_number, status,
                    description, location, occurred_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    orderID, first + offset, event.id, event.carrier, event.trackingNumber, event.status.rawValue,
                    event.description, event.location, event.occurredAt,
                ])
        }
    }

    /// The SQL reading the lines, payments and tracking events of the orders `filter` selects
    /// (`order_id = ?` or `order_id IN (?, ...)`), in order.
    private struct ChildQueries {
        let lines: String
        let payments: String
        let events: String

        init(filter: String) {
            lines = """
                SELECT order_id, line_number, sku, title, quantity, unit_price, currency, paid_share FROM order_lines
                WHERE \(filter) ORDER BY order_id, position
                """
            payments = """
                SELECT order_id, payment_id, amount, currency, method, captured_at FROM order_payments
                WHERE \(filter) ORDER BY order_id, position
                """
            events = """
                SELECT order_id, event_id, carrier, tracking_number, status, description, location, occurred_at
                FROM order_tracking_events WHERE \(filter) ORDER BY order_id, position
                """
        }
    }
}
