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
/// line, payment and event of the order on each event), keeps events in the order they occurred
/// (events of one instant in the order they arrived) on both backends, and refuses an event past
/// ``OrdersDomain/Order/maximumTrackingEvents`` without changing anything.
@Suite struct TrackingEventWriteTests {
    @Test func anEventOnALargeOrderWritesOneRowAndRewritesNothing() async throws {
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

        let writes = statements.taken.filter { sql in
            ["INSERT", "UPDATE", "DELETE"].contains { sql.uppercased().hasPrefix($0) }
        }
        let touched = writes.map { sql in
            sql.split(whereSeparator: \.isWhitespace).prefix(3).joined(separator: " ")
        }
        #expect(touched.filter { $0.contains("order_tracking_events") } == ["INSERT INTO order_tracking_events"])
        #expect(!touched.contains { $0.contains("order_lines") || $0.contains("order_payments") }, "\(touched)")
        let read = try await harness.agent().getOrder(GetOrderRequest.with { $0.orderID = "o-big" })
        #expect(read.lines.count == Order.maximumLines)
        #expect(read.trackingEvents.map(\.eventID) == ["first", "second"])
        #expect(read.status == .inTransit)
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

    /// The order full of events: one more is FAILED_PRECONDITION and writes nothing; a kept event
    /// sent again (under a new idempotency key) is still answered with the order.
    static func anEventPastTheBoundIsRefusedAndChangesNothing(_ harness: OrdersHarness) async throws {
        try await harness.importOrder(harness.order("o-1"))
        for number in 0..<Order.maximumTrackingEvents {
            try await harness.track("o-1", .inTransit, hoursAgo: 24, id: "e\(number)")
        }
        let before = try await harness.counts()
        #expect(before["order_tracking_events"] == Order.maximumTrackingEvents)
        let error = await rpcError { try await harness.track("o-1", .delivered, hoursAgo: 1, id: "one-more") }
        #expect(error?.code == .failedPrecondition)
        #expect(error?.message == "order o-1 already has 200 tracking events, the most it keeps")
        #expect(try await harness.counts() == before)
        let repeated = try await harness.carrier().recordTrackingEvent(
            RecordTrackingEventRequest.with {
                $0.idempotencyKey = "the carrier's retry, with a key of its own"
                $0.orderID = "o-1"
                $0.event = Self.event("e7", .inTransit, at: harness.now.addingTimeInterval(-24 * 3_600))
            })
        #expect(repeated.trackingEvents.count == Order.maximumTrackingEvents)
        #expect(repeated.status == .inTransit)
    }

    static func event(_ id: String, _ status: OrdersAPI.TrackingStatus, at date: Date) -> OrdersAPI.TrackingEvent {
        OrdersAPI.TrackingEvent.with {
            $0.eventID = id; $0.carrier = "DHL"; $0.trackingNumber = "T-1"; $0.status = status
            $0.occurredAt = Timestamp(date)
        }
    }
}
