import CommonAPI
import OrdersAPI
import RPC
import Runtime
import SupportPolicy
import Wire

/// Where Refunds learns what an order paid: Orders' GetPurchaseFacts, called as a service.
struct OrderFactsSource: Sendable {
    /// The Orders client (carrying this service's token).
    let orders: Orders.Client

    /// The facts of `orderID`; NOT_FOUND if Orders does not know it, UNAVAILABLE while Orders is down.
    func facts(of orderID: String) async throws -> OrderFacts {
        let facts: PurchaseFacts
        do {
            facts = try await orders.getPurchaseFacts(
                GetPurchaseFactsRequest.with { $0.orderID = orderID },
                options: CallOptions(timeout: .seconds(5), isSafeToRetry: true))
        } catch let error as RPCError where error.code == .notFound {
            throw RPCError(.notFound, "order '\(orderID)' not found")
        } catch let error as RPCError where error.code == .unavailable || error.code == .deadlineExceeded {
            throw RPCError(.unavailable, "Orders is unavailable; try again shortly (\(error.message))")
        }
        guard let paid = facts.paid, Currency.isValid(paid.currencyCode), paid.minorUnits >= 0 else {
            throw RPCError(.failedPrecondition, "order '\(orderID)' has no payment in a known currency")
        }
        let fairness: FairnessFacts
        do {
            fairness = try FairnessFacts(wire: facts.fairness)
        } catch {
            throw RPCError(.failedPrecondition, "Orders' facts of order '\(orderID)' are unusable: \(error.message)")
        }
        return OrderFacts(
            orderID: facts.orderID, customerID: facts.customerID,
            paid: Money(minorUnits: paid.minorUnits, currency: paid.currencyCode), fairness: fairness)
    }
}
