import OrdersAPI
import OrdersDomain
import Storage
import SupportPolicy

/// What Orders keeps of its reads, by order id, when it is its database's only writer (SQLite:
/// ``Storage/ServiceDatabase/readCacheBudget``): whole orders (GetOrder, GetPurchaseFacts) and
/// status reads (GetOrderStatus: the order without lines and payments, and its open issues), so
/// that a repeated read of an unchanged order needs no read thread. Both kinds share one cache,
/// so that together they stay within the budget. ``SQLOrderStore`` drops an order's entries once
/// a command that wrote the order or one of its issues is committed (see ``Storage/ReadCache``
/// for why that is enough).
final class OrderReadCache: Sendable {
    /// Which read of which order an entry holds.
    enum Key: Hashable, Sendable {
        /// The whole order `id`.
        case order(String)
        /// The status read of order `id`.
        case status(String)
    }

    /// What an entry holds.
    enum Kept: Sendable {
        /// A whole order, and its contract message, translated once (GetOrder's reply).
        case order(Order, wire: WireOrder)
        /// An order without lines and payments, and how many of its issues are open.
        case status(Order, openIssues: Int)
    }

    /// The entries.
    let reads: ReadCache<Key, Kept>

    /// The cache of `database` (shared by every store on it), if it keeps reads
    /// (``Storage/ServiceDatabase/readCacheBudget``).
    init?(database: ServiceDatabase) {
        guard let reads: ReadCache<Key, Kept> = database.readCache(named: "orders") else { return nil }
        self.reads = reads
    }

    /// The whole order `id`, if kept. (Swift compares strings by canonical equivalence, SQLite
    /// by bytes: a kept order answers only for the very id it was read for.)
    func order(id: String) -> (order: Order, wire: WireOrder)? {
        guard case .order(let order, let wire) = reads.value(for: .order(id)), order.id.utf8.elementsEqual(id.utf8)
        else { return nil }
        return (order, wire)
    }

    /// The status read of order `id`, if kept (as ``order(id:)``).
    func status(id: String) -> (order: Order, openIssues: Int)? {
        guard case .status(let order, let openIssues) = reads.value(for: .status(id)),
            order.id.utf8.elementsEqual(id.utf8)
        else { return nil }
        return (order, openIssues)
    }

    /// Keeps `order` and its message `wire`, read by a read that started with `ticket`.
    func keep(_ order: Order, wire: WireOrder, readSince ticket: ReadCache<Key, Kept>.Ticket) {
        reads.keep(
            .order(order, wire: wire), for: .order(order.id), cost: Self.cost(of: order) + Self.cost(of: wire),
            readSince: ticket)
    }

    /// Keeps a status read of `order`, read by a read that started with `ticket`.
    func keep(status order: Order, openIssues: Int, readSince ticket: ReadCache<Key, Kept>.Ticket) {
        reads.keep(
            .status(order, openIssues: openIssues), for: .status(order.id), cost: Self.cost(of: order),
            readSince: ticket)
    }

    /// Notes in `changed` that a command changes order `id` (both of its entries).
    static func note(_ id: String, in changed: ChangedKeys<Key>) {
        changed.insert(.order(id))
        changed.insert(.status(id))
    }

    /// About how many bytes an order's message adds to its entry: its lists (its strings share
    /// the order's storage).
    static func cost(of wire: WireOrder) -> Int {
        MemoryEstimate.heap(wire.lines) + MemoryEstimate.heap(wire.payments) + MemoryEstimate.heap(wire.trackingEvents)
    }

    /// About how many bytes an entry holding `order` takes (``Storage/MemoryEstimate``): the
    /// entry, and the heap of every string and list the order holds (up to 500 lines, and
    /// up to 200 tracking events: ``OrdersDomain/Order/maximumTrackingEvents``).
    static func cost(of order: Order) -> Int {
        typealias Size = MemoryEstimate
        let address = order.shippingAddress
        var cost = Size.cacheEntry(key: Key.self, value: Kept.self)
        for text in [
            order.id, order.customerID, order.customerNote, order.fairness.region, address.recipient, address.line1,
            address.line2, address.city, address.state, address.postalCode, address.countryCode,
        ] {
            cost += Size.heap(text)
        }
        cost += Size.heap(order.lines) + Size.heap(order.payments) + Size.heap(order.trackingEvents)
        for line in order.lines { cost += Size.heap(line.sku) + Size.heap(line.title) }
        for payment in order.payments { cost += Size.heap(payment.id) + Size.heap(payment.method) }
        for event in order.trackingEvents {
            for text in [event.id, event.carrier, event.trackingNumber, event.description, event.location] {
                cost += Size.heap(text)
            }
        }
        return cost
    }
}
