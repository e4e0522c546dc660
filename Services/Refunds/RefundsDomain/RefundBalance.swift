import SupportPolicy

/// What an order paid, what of it is refunded or on its way, and what can still be refunded.
public struct RefundBalance: Sendable, Hashable {
    /// What the order paid.
    public var paid: Money
    /// Completed refunds.
    public var refunded: Money
    /// Pending and processing refunds.
    public var inProgress: Money

    /// The balance of `refunds` (failed ones do not count) against `paid`. Sums past Int64 stay at
    /// its maximum (nothing is then refundable) instead of trapping.
    public init(paid: Money, refunds: [Refund]) {
        self.paid = paid
        var refunded: Int64 = 0
        var inProgress: Int64 = 0
        for refund in refunds {
            switch refund.state {
            case .completed: refunded = Self.saturatingSum(refunded, refund.amount.minorUnits)
            case .pending, .processing: inProgress = Self.saturatingSum(inProgress, refund.amount.minorUnits)
            case .failed: break
            }
        }
        self.refunded = Money(minorUnits: refunded, currency: paid.currency)
        self.inProgress = Money(minorUnits: inProgress, currency: paid.currency)
    }

    /// What can still be refunded: paid minus refunded minus in progress, never negative (and zero
    /// if that cannot be computed within Int64).
    public var refundable: Money {
        let (afterRefunded, overflow) = paid.minorUnits.subtractingReportingOverflow(refunded.minorUnits)
        let (remaining, secondOverflow) = afterRefunded.subtractingReportingOverflow(inProgress.minorUnits)
        return Money(minorUnits: overflow || secondOverflow ? 0 : max(0, remaining), currency: paid.currency)
    }

    private static func saturatingSum(_ total: Int64, _ amount: Int64) -> Int64 {
        let (sum, overflow) = total.addingReportingOverflow(amount)
        guard overflow else { return sum }
        return amount < 0 ? .min : .max
    }
}
