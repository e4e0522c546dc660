import Foundation
import OrdersAPI
import OrdersDomain
import Storage
import TestSupport
import Testing

@testable import OrdersService

/// GetOrderStatus's read of an order (its row and tracking events, without lines and payments):
/// on SQLite and on PostgreSQL it returns the order's row and all its events in their order, as
/// the whole order's read does, for an order with none, one or several events, and leaves lines
/// and payments empty; an unknown id is nil. (Reading the row joined with its events in one
/// statement was measured and not kept: no cheaper, since every event's row repeats the order's
/// 18 columns.)
@Suite struct OrderStatusEventsTests {
    @Test func theStatusReadOnSQLite() async throws {
        try await Self.checkEvents(try OrdersHarness())
    }

    @Test(.enabled(if: PostgresTestDatabase.isConfigured, "\(PostgresTestDatabase.skipReason)"))
    func theStatusReadOnPostgreSQL() async throws {
        try await Self.checkEvents(try await OrdersHarness.postgres())
    }

    static func checkEvents(_ harness: OrdersHarness) async throws {
        try await harness.importOrder(harness.order("none"))
        try await harness.importOrder(harness.order("one"))
        try await harness.importOrder(harness.order("three"))
        _ = try await harness.track("one", .pickedUp, hoursAgo: 30)
        // Added out of time order: the read keeps the order they were recorded in.
        _ = try await harness.track("three", .pickedUp, hoursAgo: 30)
        _ = try await harness.track("three", .inTransit, hoursAgo: 10)
        _ = try await harness.track("three", .outForDelivery, hoursAgo: 20)
        let store = SQLOrderStore(database: harness.database, keepingReads: false)
        for (id, count) in [("none", 0), ("one", 1), ("three", 3)] {
            let whole = try #require(try await store.order(id: id))
            let status = try #require(try await store.orderStatusWithOpenIssueCount(id: id))
            #expect(status.order.trackingEvents.count == count, "\(id)")
            #expect(status.order.trackingEvents == whole.trackingEvents, "\(id)")
            #expect(status.order.lines.isEmpty && status.order.payments.isEmpty, "\(id)")
            var expected = whole
            expected.lines = []
            expected.payments = []
            #expect(status.order == expected, "\(id)")
            #expect(status.openIssues == 0, "\(id)")
        }
        #expect(try await store.orderStatusWithOpenIssueCount(id: "unknown") == nil)
    }
}
