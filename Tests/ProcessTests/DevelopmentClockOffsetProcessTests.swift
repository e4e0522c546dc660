import CommonAPI
import Foundation
import OrdersAPI
import RPC
import Runtime
import TestSupport
import Testing
import Wire

/// A service started with `--dev-clock-offset` stamps and checks its cases against the shifted
/// clock, while the tokens of its callers are still checked against the real time.
@Suite struct DevelopmentClockOffsetProcessTests {
    static let threeWeeks: TimeInterval = 21 * 86_400

    static func order(_ id: String, placed: Date) -> ImportOrderRequest {
        let price = Money.with {
            $0.minorUnits = 2_500; $0.currencyCode = "EUR"
        }
        return ImportOrderRequest.with {
            $0.idempotencyKey = "import-\(id)"
            $0.order = OrdersAPI.Order.with {
                $0.orderID = id; $0.customerID = "customer-1"; $0.placedAt = Timestamp(placed)
                $0.lines = [
                    OrderLine.with {
                        $0.lineNumber = 1; $0.sku = "KET-1"; $0.quantity = 1
                        $0.unitPrice = price
                    }
                ]
                $0.payments = [
                    Payment.with {
                        $0.paymentID = "p-\(id)"; $0.capturedAt = Timestamp(placed)
                        $0.amount = price
                    }
                ]
                $0.shippingAddress = Address.with {
                    $0.recipient = "Ana"; $0.line1 = "Rua A 1"; $0.city = "Lisboa"; $0.postalCode = "1000"
                    $0.countryCode = "PT"
                }
            }
        }
    }

    @Test func ordersThreeWeeksBackRefusesAnOrderPlacedLastWeekButAcceptsTodaysToken() async throws {
        let root = NSTemporaryDirectory() + "dev-clock-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let keys = try PostPurchaseProcessTests.Keys(directory: "\(root)/keys")
        let orders = try ChildProcess(
            "orders",
            ["--port", "0", "--data-dir", "\(root)/orders", "--dev-clock-offset=-\(Int(Self.threeWeeks))"]
                + keys.flags)
        let port = try await orders.waitForPort()
        // The token is minted with the real time: a verifier on the shifted clock would see it
        // issued three weeks in the future and refuse it.
        let platform = Orders.Client(try keys.client(port: port, "storefront", .service))
        let now = Date()
        do {
            _ = try await platform.importOrder(Self.order("o-last-week", placed: now.addingTimeInterval(-7 * 86_400)))
            Issue.record("an order placed after the shifted clock's now was accepted")
        } catch let error as RPCError {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("is in the future"))
        }
        _ = try await platform.importOrder(Self.order("o-month", placed: now.addingTimeInterval(-30 * 86_400)))
        let stored = try await platform.getOrder(GetOrderRequest.with { $0.orderID = "o-month" })
        #expect(stored.orderID == "o-month")
        orders.send(SIGTERM)
        #expect(try await orders.waitForExit() == 0)
    }
}
