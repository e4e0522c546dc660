import OrdersDomain
import Storage

/// What Orders keeps of its reads, by order id, when it is its database's only writer (SQLite:
/// ``Storage/ServiceDatabase/readCacheBudget``): whole orders (GetOrder, GetPurchaseFacts) and
/// status reads (GetOrderStatus: the order without lines and payments, and its open issues), so
/// that a repeated read of an unchanged order needs no read thread. ``SQLOrderStore`` invalidates
/// an order's entries once a command that wrote the order or one of its issues has ended (see
/// ``Storage/ReadCache`` for why that is enough).
final class OrderReadCache: Sendable {
    /// Whole orders.
    let orders: ReadCache<String, Order>
    /// Status reads.
    let statuses: ReadCache<String, (order: Order, openIssues: Int)>

    /// The caches of `database` (shared by every store on it), if it keeps reads
    /// (``Storage/ServiceDatabase/readCacheBudget``); each entry's cost is ``cost(of:)``.
    init?(database: ServiceDatabase) {
        guard let orders: ReadCache<String, Order> = database.readCache(named: "orders.order"),
            let statuses: ReadCache<String, (order: Order, openIssues: Int)> = database.readCache(
                named: "orders.status")
        else { return nil }
        self.orders = orders
        self.statuses = statuses
    }

    /// Drops what is kept of the orders `ids`.
    func invalidate(_ ids: Set<String>) {
        orders.invalidate(ids)
        statuses.invalidate(ids)
    }

    /// About how many bytes `order` holds: its text and a fixed allowance per part, so that the
    /// budget bounds memory whatever the orders hold (up to 500 lines, and tracking events
    /// without a set limit).
    static func cost(of order: Order) -> Int {
        let address = order.shippingAddress
        var cost =
            512 + order.id.utf8.count + order.customerID.utf8.count + order.customerNote.utf8.count
            + address.recipient.utf8.count + address.line1.utf8.count + address.line2.utf8.count
            + address.city.utf8.count + address.state.utf8.count + address.postalCode.utf8.count
        for line in order.lines { cost += 128 + line.sku.utf8.count + line.title.utf8.count }
        for payment in order.payments { cost += 128 + payment.id.utf8.count + payment.method.utf8.count }
        for event in order.trackingEvents {
            cost +=
                128 + event.id.utf8.count + event.carrier.utf8.count + event.trackingNumber.utf8.count
                + event.description.utf8.count + event.location.utf8.count
        }
        return cost
    }
}
