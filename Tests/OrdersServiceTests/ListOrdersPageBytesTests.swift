import CommonAPI
import Foundation
import OrdersAPI
import OrdersDomain
import Runtime
import TestSupport
import Testing
import Wire

/// A ListOrders page of large orders stops at about 3 MiB, under the 4 MiB a gRPC client accepts
/// by default (two orders of 500 lines and 200 tracking events at their longest already exceeded
/// it), and the pages still give every order once, newest first.
@Suite struct ListOrdersPageBytesTests {
    @Test func aPageOfLargeOrdersStopsShortAndThePagesGiveEveryOrderOnce() async throws {
        let harness = try OrdersHarness()
        var expected: [String] = []
        for index in 0..<10 {
            let id = "o-\(index)"
            expected.append(id)
            try await harness.importOrder(index < 8 ? Self.large(id, harness) : harness.order(id))
            harness.clock.advance(-60)  // each order placed a minute before the one imported before it
        }
        let customer = try harness.client("customer-1", .customer)
        var seen: [String] = []
        var sizes: [Int] = []
        var token = ""
        repeat {
            let page = try await customer.listOrders(
                ListOrdersRequest.with {
                    $0.customerID = "customer-1"
                    $0.page = PageRequest.with {
                        $0.pageSize = 500
                        $0.pageToken = token
                    }
                })
            seen += page.orders.map(\.orderID)
            sizes.append(page.serializedSize())
            token = page.nextPageToken
        } while !token.isEmpty
        #expect(seen == expected)
        #expect(sizes.count >= 2, "\(sizes)")
        #expect(sizes.allSatisfy { $0 <= 3 << 20 + 64 }, "\(sizes)")
        #expect(sizes.first ?? 0 > 2 << 20, "the first page is filled to near its bound: \(sizes)")
    }

    /// An order of 500 lines with 500-character titles and 200 tracking events with
    /// 1,000-character descriptions: about half a megabyte.
    static func large(_ id: String, _ harness: OrdersHarness) -> OrdersAPI.Order {
        var order = harness.order(id, daysAgo: 3)
        order.lines = (1...Order.maximumLines).map { number in
            OrdersAPI.OrderLine.with {
                $0.lineNumber = Int32(number); $0.sku = "SKU-\(number)"; $0.quantity = 1
                $0.title = String(repeating: "t", count: 500)
                $0.unitPrice = CommonAPI.Money.with {
                    $0.minorUnits = 100; $0.currencyCode = "EUR"
                }
            }
        }
        order.payments[0].amount = CommonAPI.Money.with {
            $0.minorUnits = 50_000; $0.currencyCode = "EUR"
        }
        let placed = harness.now.addingTimeInterval(-3 * 86_400)
        order.status = .inTransit
        order.shippedAt = Timestamp(placed.addingTimeInterval(3_600))
        order.trackingEvents = (0..<Order.maximumTrackingEvents).map { number in
            OrdersAPI.TrackingEvent.with {
                $0.eventID = "\(id)-e\(number)"; $0.carrier = "DHL"; $0.status = .inTransit
                $0.description = String(repeating: "d", count: 1_000)
                $0.occurredAt = Timestamp(placed.addingTimeInterval(3_600 + Double(number)))
            }
        }
        return order
    }
}
