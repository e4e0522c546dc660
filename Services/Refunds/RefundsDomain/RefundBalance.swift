import SupportPolicy

/// What an order paid, what of it is refunded or on its way, and what can still be refunded.
public struct RefundBalance: Sendable, Hashable {
    /// What the order paid.
    public var paid: Money
    /// Completed refunds.
    public var refunded: Money
    /// Pending and processing refunds.
    public var inProgress: Money

    /// The balance of `refunds` (failed ones do not count) against `paid`.
    public init(paid: Money, refunds: [Refund]) {
        self.paid = paid
        var refunded: Int64 = 0
        var inProgress: Int64 = 0
        for refund in refunds {
            switch refund.state {
            case .completed: refunded += refund.amount.minorUnits
            case .pending, .processing: inProgress += refund.amount.minorUnits
            case .failed: break
            }
        }
        self.refunded = Money(minorUnits: refunded, currency: paid.currency)
        self.inProgress = Money(minorUnits: inProgress, currency: paid.currency)
    }

    /// What can still be refunded: paid minus refunded minus in progress.
    public var refundable: Money {
        Money(minorUnits: paid.minorUnits - refunded.minorUnits - inProgress.minorUnits, currency: paid.currency)
    }
}
