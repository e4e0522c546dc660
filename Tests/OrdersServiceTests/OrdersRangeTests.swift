import CommonAPI
import Foundation
import OrdersAPI
import RPC
import TestSupport
import Testing
import Wire

/// Every time an order or a tracking event carries is checked against google.protobuf.Timestamp's
/// range (0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z, nanos 0 to 999,999,999) before any
/// arithmetic: one outside it is INVALID_ARGUMENT naming the field, nothing is stored, and the
/// service goes on serving. (An `account_created_at` of INT64_MAX seconds used to kill Orders when
/// the stored order was encoded again.)
@Suite struct OrdersRangeTests {
    static let beyondTheEnd = Timestamp(seconds: 253_402_300_800)
    static let beforeTheStart = Timestamp(seconds: -62_135_596_801)

    @Test(arguments: [
        ("order.fairness.account_created_at", Timestamp(seconds: Int64.max)),
        ("order.fairness.account_created_at", Timestamp(seconds: Int64.min)),
        ("order.fairness.account_created_at", beyondTheEnd),
        ("order.placed_at", Timestamp(seconds: Int64.min)),
        ("order.placed_at", Timestamp(seconds: 1_790_000_000, nanos: -1)),
        ("order.shipped_at", Timestamp(seconds: Int64.max)),
        ("order.delivered_at", beforeTheStart),
        ("order.payments[0].captured_at", Timestamp(seconds: 1_790_000_000, nanos: 1_000_000_000)),
        ("order.tracking_events[0].occurred_at", Timestamp(seconds: Int64.max)),
    ])
    func anImportedOrderWithATimeOutsideTheRangeIsRefused(field: String, time: Timestamp) async throws {
        let harness = try OrdersHarness()
        try await harness.importOrder(harness.order("o-good"))
        let before = try await harness.counts()
        var order = harness.order("o-bad")
        switch field {
        case "order.fairness.account_created_at": order.fairness?.accountCreatedAt = time
        case "order.placed_at": order.placedAt = time
        case "order.shipped_at": order.shippedAt = time
        case "order.delivered_at":
            order.shippedAt = order.placedAt
            order.deliveredAt = time
        case "order.payments[0].captured_at": order.payments[0].capturedAt = time
        default:
            order.trackingEvents = [
                OrdersAPI.TrackingEvent.with {
                    $0.eventID = "ev-1"; $0.carrier = "DHL"; $0.status = .pickedUp; $0.occurredAt = time
                }
            ]
        }
        let error = await rpcError { _ = try await harness.importOrder(order) }
        #expect(error?.code == .invalidArgument)
        let message = error?.message ?? ""
        #expect(message.hasPrefix(field), "\(message)")
        #expect(message.contains("outside the range of google.protobuf.Timestamp") || message.contains(".nanos"))
        #expect(try await harness.counts() == before)

        let read = try await harness.agent().getOrder(GetOrderRequest.with { $0.orderID = "o-good" })
        #expect(read.orderID == "o-good")
        let missing = await rpcError {
            _ = try await harness.agent().getOrder(GetOrderRequest.with { $0.orderID = "o-bad" })
        }
        #expect(missing?.code == .notFound)
    }

    @Test func theOldestAndNewestTimesTheRangeAllowsAreAccepted() async throws {
        let harness = try OrdersHarness()
        var order = harness.order("o-edge")
        order.fairness?.accountCreatedAt = Timestamp(seconds: -62_135_596_800)
        try await harness.importOrder(order)
        let read = try await harness.agent().getOrder(GetOrderRequest.with { $0.orderID = "o-edge" })
        #expect(read.fairness?.accountCreatedAt == Timestamp(seconds: -62_135_596_800))
    }

    @Test func aTrackingEventWithATimeOutsideTheRangeIsRefused() async throws {
        let harness = try OrdersHarness()
        try await harness.importOrder(harness.order("o-1"))
        let before = try await harness.counts()
        let error = await rpcError {
            _ = try await harness.carrier().recordTrackingEvent(
                RecordTrackingEventRequest.with {
                    $0.idempotencyKey = "t-bad"; $0.orderID = "o-1"
                    $0.event = OrdersAPI.TrackingEvent.with {
                        $0.eventID = "ev-far"; $0.carrier = "DHL"; $0.status = .pickedUp
                        $0.occurredAt = Timestamp(seconds: Int64.max)
                    }
                })
        }
        #expect(error?.code == .invalidArgument)
        #expect(
            error?.message.hasPrefix("event.occurred_at (9223372036854775807 seconds since 1970) is outside") == true)
        #expect(try await harness.counts() == before)
        let tracked = try await harness.track("o-1", .pickedUp, hoursAgo: 1)
        #expect(tracked.status == .shipped)
    }
}
