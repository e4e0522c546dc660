import OrdersAPI
import RPC
import Wire

/// How another service learns an order's facts: Orders' GetPurchaseFacts, called as a service
/// (Returns for eligibility and refund shares, Refunds for what was paid). One place for the
/// call's options and for what its failures mean to the service's own caller.
public struct PurchaseFactsClient: Sendable {
    private let orders: Orders.Client

    /// A client calling Orders through `orders` (carrying the calling service's token).
    public init(orders: RPCClient) {
        self.orders = Orders.Client(orders)
    }

    /// Orders' facts of `orderID`: INVALID_ARGUMENT for an id that is empty or longer than 128
    /// bytes, NOT_FOUND if Orders does not know it (or does not show it to this service), and
    /// UNAVAILABLE, with a hint to retry, while Orders is down or too slow. Whether the order is
    /// the caller's is the calling service's check.
    public func facts(of orderID: String) async throws -> PurchaseFacts {
        guard !orderID.isEmpty, orderID.utf8.count <= 128 else {
            throw RPCError(.invalidArgument, "order_id must be 1 to 128 characters")
        }
        do {
            return try await orders.getPurchaseFacts(
                GetPurchaseFactsRequest.with { $0.orderID = orderID },
                options: CallOptions(timeout: .seconds(5), isSafeToRetry: true))
        } catch let error as RPCError where error.code == .notFound {
            throw RPCError(.notFound, "order '\(orderID)' not found")
        } catch let error as RPCError where error.code == .unavailable || error.code == .deadlineExceeded {
            throw RPCError(.unavailable, "Orders is unavailable; try again shortly (\(error.message))")
        }
    }
}
