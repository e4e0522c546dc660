import Foundation
import OrdersDomain
import SupportPolicy
import Testing

/// Orders: validation of what the platform sends, tracking that only moves forward, and the
/// changes allowed before shipment.
@Suite struct OrderTests {
    typealias Fixtures = OrderFixtures

    static func event(_ id: String, _ status: TrackingStatus, hours: Double) -> TrackingEvent {
        TrackingEvent(
            id: id, carrier: "DHL", trackingNumber: "T1", status: status, description: "\(status)",
            occurredAt: Fixtures.placed.addingTimeInterval(hours * 3_600))
    }

    @Test func trackingMovesTheStatusForwardOnly() throws {
        var order = Fixtures.order()
        try order.record(Self.event("e1", .pickedUp, hours: 24), now: Fixtures.now)
        #expect(order.status == .shipped)
        #expect(order.shippedAt == Fixtures.placed.addingTimeInterval(24 * 3_600))
        try order.record(Self.event("e2", .inTransit, hours: 30), now: Fixtures.now)
        try order.record(Self.event("e3", .delivered, hours: 50), now: Fixtures.now)
        #expect(order.status == .delivered)
        #expect(order.deliveredAt == Fixtures.placed.addingTimeInterval(50 * 3_600))
        // A late, out-of-order scan does not move a delivered order back.
        try order.record(Self.event("e4", .outForDelivery, hours: 45), now: Fixtures.now)
        #expect(order.status == .delivered)
        #expect(order.trackingEvents.map(\.id) == ["e1", "e2", "e4", "e3"])
        #expect(order.statusChangedAt == order.deliveredAt)
        // A repeated event id changes nothing.
        #expect(try order.record(Self.event("e2", .exception, hours: 60), now: Fixtures.now) == false)
        #expect(order.trackingEvents.count == 4)
    }

    @Test func eventsOfOneInstantKeepTheOrderTheyArrivedIn() throws {
        var order = Fixtures.order()
        for id in ["b", "a", "c"] { try order.record(Self.event(id, .inTransit, hours: 30), now: Fixtures.now) }
        try order.record(Self.event("early", .pickedUp, hours: 24), now: Fixtures.now)
        try order.record(Self.event("d", .inTransit, hours: 30), now: Fixtures.now)
        #expect(order.trackingEvents.map(\.id) == ["early", "b", "a", "c", "d"])
        // An import's events are put in the same order.
        var imported = Fixtures.order()
        imported.trackingEvents = [
            Self.event("b", .inTransit, hours: 30), Self.event("a", .inTransit, hours: 30),
            Self.event("early", .pickedUp, hours: 24), Self.event("c", .inTransit, hours: 30),
        ]
        imported.sortTrackingEvents()
        #expect(imported.trackingEvents.map(\.id) == ["early", "b", "a", "c"])
    }

    @Test func anOrderKeepsAtMostItsBoundOfTrackingEventsButIsStillDelivered() throws {
        var order = Fixtures.order()
        try order.record(Self.event("picked", .pickedUp, hours: 23), now: Fixtures.now)
        for number in 1..<Order.maximumTrackingEvents {
            try order.record(Self.event("e\(number)", .pickedUp, hours: 24), now: Fixtures.now)
        }
        #expect(order.trackingEvents.count == Order.maximumTrackingEvents)
        let refused = OrdersError.notAllowed(
            "order order-1 has 200 tracking events; past 200 it keeps only events that move its status forward")
        #expect(throws: refused) { try order.record(Self.event("scan", .pickedUp, hours: 30), now: Fixtures.now) }
        #expect(order.trackingEvents.count == Order.maximumTrackingEvents)
        // A carrier's retry of a kept event is still answered as before.
        #expect(try order.record(Self.event("e7", .pickedUp, hours: 24), now: Fixtures.now) == false)
        // Events that move the status forward are kept past the bound: the order is delivered.
        try order.record(Self.event("out", .outForDelivery, hours: 40), now: Fixtures.now)
        try order.record(Self.event("delivered", .delivered, hours: 50), now: Fixtures.now)
        #expect(order.status == .delivered)
        #expect(order.deliveredAt == Fixtures.placed.addingTimeInterval(50 * 3_600))
        #expect(order.trackingEvents.count == Order.maximumTrackingEvents + 2)
        #expect(throws: OrdersError.self) {
            try order.record(Self.event("late", .outForDelivery, hours: 45), now: Fixtures.now)
        }
    }

    @Test func trackingRefusesFutureEventsAndCancelledOrders() {
        var order = Fixtures.order()
        #expect(throws: OrdersError.invalid("event.occurred_at is in the future")) {
            try order.record(Self.event("f", .pickedUp, hours: 24 * 30), now: Fixtures.now)
        }
        var cancelled = Fixtures.order(.cancelled)
        #expect(throws: OrdersError.self) {
            try cancelled.record(Self.event("c", .pickedUp, hours: 1), now: Fixtures.now)
        }
    }

    @Test func validOrdersPassAndEachDefectIsNamed() throws {
        try Fixtures.order().validate(now: Fixtures.now)
        let cases: [(String, (inout Order) -> Void)] = [
            ("order.order_id is required", { $0.id = "" }),
            ("order.lines must not be empty", { $0.lines = [] }),
            ("not an ISO 4217 code", { o in for i in o.lines.indices { o.lines[i].unitPrice.currency = "EURO" } }),
            ("is in USD, not EUR", { $0.lines[1].unitPrice.currency = "USD" }),
            ("quantity must be between 1 and 10000", { $0.lines[0].quantity = 0 }),
            ("add up to more than the order total", { $0.payments[0].amount.minorUnits = 6_000 }),
            ("placed_at is in the future", { $0.placedAt = Fixtures.now.addingTimeInterval(60) }),
            ("captured_at is in the future", { $0.payments[0].capturedAt = Fixtures.now.addingTimeInterval(60) }),
            ("country_code", { $0.shippingAddress.countryCode = "Portugal" }),
            ("customer_note is longer", { $0.customerNote = String(repeating: "x", count: 4_001) }),
            ("a delivered order needs delivered_at", { $0.status = .delivered }),
            ("order.payments has more than 100", { o in o.payments = Array(repeating: o.payments[0], count: 101) }),
            ("order.payments[0].payment_id is required", { $0.payments[0].id = "" }),
            (
                "order.payments[1].payment_id 'pay-1' is repeated",
                { o in
                    o.payments[0].amount.minorUnits = 2_000
                    o.payments.append(o.payments[0])
                }
            ),
            ("order.payments[0].method is too long", { $0.payments[0].method = String(repeating: "m", count: 101) }),
            (
                "order.tracking_events has more than 200",
                { o in
                    o.trackingEvents = (0...200).map { Self.event("e\($0)", .inTransit, hours: 24) }
                }
            ),
            (
                "order.tracking_events[1].event_id 'e1' is repeated",
                {
                    $0.trackingEvents = [
                        Self.event("e1", .pickedUp, hours: 24), Self.event("e1", .inTransit, hours: 30),
                    ]
                }
            ),
            (
                "order.tracking_events[0].occurred_at is before the order was placed",
                { $0.trackingEvents = [Self.event("e1", .pickedUp, hours: -1)] }
            ),
            (
                "order.tracking_events[0].occurred_at is in the future",
                { $0.trackingEvents = [Self.event("e1", .pickedUp, hours: 24 * 30)] }
            ),
            (
                "order.tracking_events[0].carrier must be 1 to 100",
                { o in
                    var event = Self.event("e1", .pickedUp, hours: 24)
                    event.carrier = " \u{3000}\t"
                    o.trackingEvents = [event]
                }
            ),
        ]
        for (expected, defect) in cases {
            var order = Fixtures.order()
            defect(&order)
            do {
                try order.validate(now: Fixtures.now)
                Testing.Issue.record("accepted an order where \(expected)")
            } catch {
                #expect(error.description.contains(expected), "\(error) should say \(expected)")
            }
        }
    }

    @Test func totalsAndPaidAreExactMinorUnits() {
        let order = Fixtures.order()
        #expect(order.total == Money(minorUnits: 5_900, currency: "EUR"))
        #expect(order.paid == Money(minorUnits: 5_900, currency: "EUR"))
        #expect(order.total.description == "59.00 EUR")
        #expect(Money(minorUnits: 1_250, currency: "BHD").description == "1.250 BHD")
        #expect(Money(minorUnits: 1_500, currency: "JPY").description == "1500 JPY")
    }

    @Test func adjustmentsOnlyLowerQuantitiesBeforeShipment() throws {
        var order = Fixtures.order(.processing)
        try order.adjust(
            [LineAdjustment(lineNumber: 1, quantity: 1), LineAdjustment(lineNumber: 2, quantity: 0)], note: "gift")
        #expect(order.lines.map(\.quantity) == [1])
        #expect(order.customerNote == "gift")
        #expect(order.paid.minorUnits == 5_900)  // what was paid does not change
        #expect(throws: OrdersError.self) { try order.adjust([LineAdjustment(lineNumber: 1, quantity: 3)], note: nil) }
        #expect(throws: OrdersError.self) { try order.adjust([LineAdjustment(lineNumber: 1, quantity: 0)], note: nil) }
        var shipped = Fixtures.order(.shipped)
        #expect(throws: OrdersError.self) {
            try shipped.adjust([LineAdjustment(lineNumber: 1, quantity: 1)], note: nil)
        }
        #expect(throws: OrdersError.self) { try shipped.changeAddress(to: Fixtures.address) }
    }
}
