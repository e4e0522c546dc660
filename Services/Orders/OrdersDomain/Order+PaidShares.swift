import SupportPolicy

extension Order {
    /// Splits what was paid over the lines (``SupportPolicy/PaidShare``) and freezes each line's
    /// share with it; done when the order is imported, so later changes never move a share from
    /// one line to another. Leaves the shares unset when the payments exceed the total (which
    /// ``validate(now:)`` refuses).
    public mutating func freezePaidShares() {
        let amounts = lines.map { $0.amount?.minorUnits ?? -1 }
        guard let shares = PaidShare.lineShares(paid: paid.minorUnits, amounts: amounts) else {
            for index in lines.indices { lines[index].paidShare = nil }
            return
        }
        for index in lines.indices {
            lines[index].paidShare = Money(minorUnits: shares[index], currency: currency)
        }
    }
}
