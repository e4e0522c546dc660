import SupportPolicy

extension ProductReturn {
    /// Values the returned units by their frozen share of what was paid (rule
    /// ``SupportPolicy/PaidShare/rule``): for each line, `n` units after the `alreadyRefunded`
    /// units of that line approved for a refund by other returns are worth
    /// `floor(S x (r + n) / q) - floor(S x r / q)`. Approvals are serialized by the store, so the
    /// refunds of every unit of a line add up to its share `S` whatever the order of returns, and
    /// the refund that takes a line's last unit takes its remainder.
    public mutating func value(after alreadyRefunded: [Int: Int]) throws(ReturnsError) {
        // A return opened before shares were frozen keeps the amount it was opened with.
        guard lines.allSatisfy({ $0.paidShare != nil && $0.orderedQuantity > 0 }) else { return }
        var total: Int64 = 0
        let currency = refundAmount.currency
        for index in lines.indices {
            let line = lines[index]
            guard let share = line.paidShare, share.currency == currency || currency.isEmpty,
                let amount = PaidShare.refund(
                    units: line.quantity, after: alreadyRefunded[line.lineNumber, default: 0],
                    of: line.orderedQuantity, share: share.minorUnits)
            else {
                throw .notAllowed(
                    "line \(line.lineNumber): \(line.quantity) more unit(s) cannot be refunded after "
                        + "\(alreadyRefunded[line.lineNumber, default: 0]) of \(line.orderedQuantity) "
                        + "(rule \(PaidShare.rule.id))")
            }
            lines[index].refundAmount = Money(minorUnits: amount, currency: share.currency)
            total += amount
        }
        refundAmount = Money(minorUnits: total, currency: lines.first?.paidShare?.currency ?? currency)
    }

    /// Whether this return counts against its lines' shares: approved (or later) with a refund remedy.
    public var holdsRefundedUnits: Bool {
        remedy == .refund && [.approved, .refundRequested, .refundBlocked].contains(state)
    }
}
