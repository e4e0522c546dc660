import Foundation
import OrdersDomain
import Testing

/// The sentence confirming an order's status: the latest carrier scan only once the order has
/// shipped, and a word in place of a scan without a description.
@Suite struct OrderStatusSummaryTests {
    typealias Fixtures = OrderFixtures

    static func event(_ status: TrackingStatus, description: String, hours: Double) -> TrackingEvent {
        TrackingEvent(
            id: "e-\(hours)", carrier: "Correos Express", trackingNumber: "T1", status: status,
            description: description, occurredAt: Fixtures.placed.addingTimeInterval(hours * 3_600))
    }

    @Test func anOrderNotShippedSaysOnlyItsStatus() {
        #expect(Fixtures.order(.placed).statusSummary == "Your order order-1 has been placed and paid.")
        #expect(Fixtures.order(.cancelled, id: "ç-2").statusSummary == "Your order ç-2 was cancelled.")
    }

    @Test func aShippedOrderNamesItsLatestScan() throws {
        var order = Fixtures.order()
        try order.record(Self.event(.pickedUp, description: "Recogido en almacén", hours: 24), now: Fixtures.now)
        try order.record(Self.event(.inTransit, description: "", hours: 30), now: Fixtures.now)
        #expect(
            order.statusSummary
                == "Your order order-1 is with the carrier (in transit); latest from Correos Express: update.")
        try order.record(Self.event(.delivered, description: "Entregado ✓", hours: 50), now: Fixtures.now)
        #expect(
            order.statusSummary
                == "Your order order-1 has been delivered; latest from Correos Express: Entregado ✓.")
    }
}
