import CommonAPI
import Foundation
import GRDB
import OrdersAPI
import OrdersDomain
import RPC
import Runtime
import Storage
import TestSupport
import Testing
import Wire

/// `RecordTrackingEvent` appends one row, whatever the order's size (it used to rewrite every
/// line, payment and event of the order on each event; a late scan rewrites the events after
/// it), keeps events in the order they occurred (events of one instant in the order they arrived)
/// on both backends, and past ``OrdersDomain/Order/maximumTrackingEvents`` refuses an event that
/// does not move the status, without changing anything.
@Suite struct TrackingEventWriteTests {
    @Test func anEventOnALargeOrderWritesItsOwnRowAndRewritesNothingBeforeIt() async throws {
        let harness = try OrdersHarness()
        var order = harness.order("o-big")
        order.lines = (1...Order.maximumLines).map { number in
            OrdersAPI.OrderLine.with {
                $0.lineNumber = Int32(number); $0.sku = "SKU-\(number)"; $0.title = "Item \(number)"; $0.quantity = 1
                $0.unitPrice = CommonAPI.Money.with {
                    $0.minorUnits = 100; $0.currencyCode = "EUR"
                }
            }
        }
        order.payments[0].amount = CommonAPI.Money.with {
            $0.minorUnits = 50_000; $0.currencyCode = "EUR"
        }
        try await harness.importOrder(order)
        try await harness.track("o-big", .pickedUp, hoursAgo: 48, id: "first")
        let statements = StatementLog()
        try await harness.database.pool.writeWithoutTransaction { db in
            db.trace { event in
                if case .statement(let statement) = event { statements.record(statement.sql) }
            }
        }
        try await harness.track("o-big", .inTransit, hoursAgo: 24, id: "second")
        #expect(Self.writes(statements.taken) == ["UPDATE orders SET", "INSERT INTO order_tracking_events"])
        // A scan arriving late rewrites only the events after it, so that positions stay in the
        // order the events occurred (what every release reads).
        statements.clear()
        try await harness.track("o-big", .inTransit, hoursAgo: 30, id: "late")
        #expect(
            Self.writes(statements.taken) == [
                "DELETE FROM order_tracking_events", "INSERT INTO order_tracking_events",
                "INSERT INTO order_tracking_events",
            ])
        let read = try await harness.agent().getOrder(GetOrderRequest.with { $0.orderID = "o-big" })
        #expect(read.lines.count == Order.maximumLines)
        #expect(read.trackingEvents.map(\.eventID) == ["first", "late", "second"])
        #expect(read.status == .inTransit)
        let positions = try await harness.database.snapshot { db in
            try db.fetchRows(
                "SELECT event_id FROM order_tracking_events WHERE order_id = ? ORDER BY position", ["o-big"]
            ).map { try $0.string(0) }
        }
        #expect(positions == ["first", "late", "second"])
    }

    /// The first words of the statements that wrote (the idempotency record, the outbox and the
    /// transaction's own left out): which tables a command changed, in order.
    static func writes(_ statements: [String]) -> [String] {
        statements.compactMap { sql in
            let words = sql.split(whereSeparator: \.isWhitespace).prefix(3).joined(separator: " ")
            guard ["INSERT", "UPDATE", "DELETE"].contains(where: { words.uppercased().hasPrefix($0) }),
                !words.contains("idempotency"), !words.contains("outbox"), !words.contains("aggregate_sequence")
            else { return nil }
            return words
        }
    }

    /// The carrier's reply, to a new event or to one it sent before, is the order's progress:
    /// nothing of the customer, the lines, the payments, the address or the note.
    @Test func theCarrierSeesOnlyTheShipmentsProgress() async throws {
        let harness = try OrdersHarness()
        var order = harness.order("o-1")
        order.customerNote = "leave it with the neighbour"
        try await harness.importOrder(order)
        let first = try await harness.track("o-1", .pickedUp, hoursAgo: 5, id: "picked")
        let again = try await harness.carrier().recordTrackingEvent(
            RecordTrackingEventRequest.with {
                $0.idempotencyKey = "a retry under a key of its own"
                $0.orderID = "o-1"
                $0.event = Self.event("picked", .pickedUp, at: harness.now.addingTimeInterval(-5 * 3_600))
            })
        for reply in [first, again] {
            #expect(reply.orderID == "o-1")
            #expect(reply.status == .shipped)
            #expect(reply.shippedAt != nil)
            #expect(reply.placedAt != nil)
            #expect(reply.trackingEvents.map(\.eventID) == ["picked"])
            #expect(reply.customerID.isEmpty)
            #expect(reply.lines.isEmpty && reply.payments.isEmpty && reply.total == nil)
            #expect(reply.shippingAddress == nil && reply.fairness == nil && reply.customerNote.isEmpty)
        }
        let whole = try await harness.agent().getOrder(GetOrderRequest.with { $0.orderID = "o-1" })
        #expect(whole.customerNote == "leave it with the neighbour")
        #expect(whole.lines.count == 2)
    }

    @Test func eventsAreKeptInTheOrderTheyOccurredOnSQLite() async throws {
        try await Self.eventsAreKeptInTheOrderTheyOccurred(try OrdersHarness())
    }

    @Test(.enabled(if: PostgresTestDatabase.isConfigured, "\(PostgresTestDatabase.skipReason)"))
    func eventsAreKeptInTheOrderTheyOccurredOnPostgreSQL() async throws {
        try await Self.eventsAreKeptInTheOrderTheyOccurred(try await OrdersHarness.postgres())
    }

    @Test func anEventPastTheBoundIsRefusedAndChangesNothingOnSQLite() async throws {
        try await Self.anEventPastTheBoundIsRefusedAndChangesNothing(try OrdersHarness())
    }

    @Test(.enabled(if: PostgresTestDatabase.isConfigured, "\(PostgresTestDatabase.skipReason)"))
    func anEventPastTheBoundIsRefusedAndChangesNothingOnPostgreSQL() async throws {
        try await Self.anEventPastTheBoundIsRefusedAndChangesNothing(try await OrdersHarness.postgres())
    }

    /// Events imported out of order, arriving late and of one instant, read back from the database.
    static func eventsAreKeptInTheOrderTheyOccurred(_ harness: OrdersHarness) async throws {
        var order = harness.order("o-1")
        order.trackingEvents = [
            Self.event("imported-late", .inTransit, at: harness.now.addingTimeInterval(-30 * 3_600)),
            Self.event("imported-early", .pickedUp, at: harness.now.addingTimeInterval(-40 * 3_600)),
        ]
        order.status = .inTransit
        order.shippedAt = Timestamp(harness.now.addingTimeInterval(-40 * 3_600))
        try await harness.importOrder(order)
        for id in ["same-b", "same-a"] { try await harness.track("o-1", .inTransit, hoursAgo: 20, id: id) }
        try await harness.track("o-1", .delivered, hoursAgo: 2, id: "delivered")
        try await harness.track("o-1", .outForDelivery, hoursAgo: 35, id: "late-scan")
        try await harness.track("o-1", .inTransit, hoursAgo: 20, id: "same-c")
        let expected = ["imported-early", "late-scan", "imported-late", "same-b", "same-a", "same-c", "delivered"]

        // The write dropped the order from the read cache: this read is the database's.
        let read = try await harness.agent().getOrder(GetOrderRequest.with { $0.orderID = "o-1" })
        #expect(read.trackingEvents.map(\.eventID) == expected)
        #expect(read.status == .delivered)
        let status = try await harness.agent().getOrderStatus(GetOrderStatusRequest.with { $0.orderID = "o-1" })
        #expect(status.latestEvent?.eventID == "delivered")
        let listed = try await harness.client("customer-1", .customer).listOrders(
            ListOrdersRequest.with { $0.customerID = "customer-1" })
        #expect(listed.orders.first?.trackingEvents.map(\.eventID) == expected)
    }

    /// The order full of events: one more that does not move its status is FAILED_PRECONDITION
    /// and writes nothing; a kept event sent again (under a new idempotency key) is still answered
    /// with the order; the delivery is kept past the bound.
    static func anEventPastTheBoundIsRefusedAndChangesNothing(_ harness: OrdersHarness) async throws {
        try await harness.importOrder(harness.order("o-1"))
        try await harness.track("o-1", .pickedUp, hoursAgo: 25, id: "picked")
        for number in 1..<Order.maximumTrackingEvents {
            try await harness.track("o-1", .inTransit, hoursAgo: 24, id: "e\(number)")
        }
        let before = try await harness.counts()
        #expect(before["order_tracking_events"] == Order.maximumTrackingEvents)
        let error = await rpcError { try await harness.track("o-1", .inTransit, hoursAgo: 1, id: "one-more") }
        #expect(error?.code == .failedPrecondition)
        #expect(
            error?.message
                == "order o-1 has 200 tracking events; past 200 it keeps only events that move its status forward")
        #expect(try await harness.counts() == before)
        let repeated = try await harness.carrier().recordTrackingEvent(
            RecordTrackingEventRequest.with {
                $0.idempotencyKey = "the carrier's retry, with a key of its own"
                $0.orderID = "o-1"
                $0.event = Self.event("e7", .inTransit, at: harness.now.addingTimeInterval(-24 * 3_600))
            })
        #expect(repeated.trackingEvents.count == Order.maximumTrackingEvents)
        #expect(repeated.status == .inTransit)
        let delivered = try await harness.track("o-1", .delivered, hoursAgo: 1, id: "delivered")
        #expect(delivered.status == .delivered)
        #expect(delivered.trackingEvents.count == Order.maximumTrackingEvents + 1)
        #expect(delivered.trackingEvents.last?.eventID == "delivered")
    }

    static func event(_ id: String, _ status: OrdersAPI.TrackingStatus, at date: Date) -> OrdersAPI.TrackingEvent {
        OrdersAPI.TrackingEvent.with {
            $0.eventID = id; $0.carrier = "DHL"; $0.trackingNumber = "T-1"; $0.status = status
            $0.occurredAt = Timestamp(date)
        }
    }
}
