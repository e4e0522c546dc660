import CommonAPI
import OrdersAPI
import OrdersLookup
import RPC
import Runtime
import SupportPolicy
import Wire

/// What Refunds needs of an order, from Orders (``OrdersLookup/PurchaseFactsClient``): its
/// owner, what it paid and its fairness facts.
struct OrderFactsSource: Sendable {
    /// The Orders client (carrying this service's token).
    let orders: PurchaseFactsClient

    /// The facts of `orderID`; NOT_FOUND if Orders does not know it, UNAVAILABLE while Orders is down.
    func facts(of orderID: String) async throws -> OrderFacts {
        let facts = try await orders.facts(of: orderID)
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
            paid: Money(trustedWire: paid), fairness: fairness)
    }
}
