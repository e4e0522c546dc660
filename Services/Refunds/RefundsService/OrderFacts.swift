import SupportPolicy

/// What Refunds needs to know about an order, from Orders: its owner, what it paid, and the
/// fairness facts recorded with every refund event. Kept in the refunds database once fetched
/// (what was paid never changes).
struct OrderFacts: Sendable, Hashable {
    /// The order.
    var orderID: String
    /// Its owner.
    var customerID: String
    /// What it paid.
    var paid: Money
    /// Recorded for oversight only.
    var fairness: FairnessFacts
}
