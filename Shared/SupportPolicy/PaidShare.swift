/// How what an order paid is split over its units, exactly, in integer minor units (rule
/// ``rule``, policy ``Policy/version``).
///
/// 1. When the order is imported, what was paid (the sum of its payments, discounts and partial
///    payments included) is split over its lines in proportion to each line's amount
///    (quantity x unit price) by the largest-remainder method: each line gets the floor of its exact
///    share `paid x amount / total`, and the minor units left over go one each to the lines with
///    the largest remainders (ties to the lower line number). The line shares add up to `paid`
///    exactly, each within one minor unit of its exact share. They are frozen with the order: a
///    later return, adjustment or cancellation never moves one line's share onto another.
/// 2. A line's share `S` over its `q` units is spread evenly and cumulatively: the first `m`
///    refunded units of the line are worth `floor(S x m / q)`. A refund of `n` more units after `r`
///    were refunded is `floor(S x (r + n) / q) - floor(S x r / q)`: within one minor unit of
///    `n x S / q`, and the refund that takes the line's last unit takes its remainder, so the
///    refunds of a line always add up to `S`, in any number of returns and in any order; all lines
///    returned, they add up to what was paid.
public enum PaidShare {
    /// The rule every refund amount of a return cites.
    public static let rule = PolicyRule(
        id: "REF-SHARE-PAID",
        text:
            "A returned unit's refund is its share of what was paid for the order: what was paid is split over the "
            + "lines in proportion to their amounts by largest remainder when the order is placed, each line's share "
            + "over its units cumulatively (the first m units are worth floor(share x m / quantity)), so that "
            + "returning everything refunds exactly what was paid.")

    /// Splits `paid` over lines of `amounts` (each line's quantity x unit price, none negative) in
    /// proportion by largest remainder; nil when `paid` is negative, exceeds the total, or the total
    /// overflows. The result adds up to `paid` exactly.
    public static func lineShares(paid: Int64, amounts: [Int64]) -> [Int64]? {
        guard paid >= 0, amounts.allSatisfy({ $0 >= 0 }) else { return nil }
        var total: Int64 = 0
        for amount in amounts {
            let (sum, overflow) = total.addingReportingOverflow(amount)
            guard !overflow else { return nil }
            total = sum
        }
        guard paid <= total else { return nil }
        guard total > 0 else { return amounts.map { _ in 0 } }
        var shares: [Int64] = []
        var remainders: [(remainder: Int64, index: Int)] = []
        var allocated: Int64 = 0
        for (index, amount) in amounts.enumerated() {
            // paid x amount / total <= amount, so the quotient fits; the product is full width.
            let (quotient, remainder) = total.dividingFullWidth(paid.multipliedFullWidth(by: amount))
            shares.append(quotient)
            remainders.append((remainder, index))
            allocated += quotient
        }
        let leftOver = paid - allocated
        let order = remainders.sorted {
            $0.remainder != $1.remainder ? $0.remainder > $1.remainder : $0.index < $1.index
        }
        for entry in order.prefix(Int(leftOver)) { shares[entry.index] += 1 }
        return shares
    }

    /// What the first `units` of a line's `quantity` units are worth, when the line's frozen share
    /// is `share`: `floor(share x units / quantity)`; nil when `units` is outside `0...quantity` or
    /// `share` is negative.
    public static func value(ofFirst units: Int, of quantity: Int, share: Int64) -> Int64? {
        guard quantity > 0, (0...quantity).contains(units), share >= 0 else { return nil }
        return Int64(quantity).dividingFullWidth(share.multipliedFullWidth(by: Int64(units))).quotient
    }

    /// The refund of `units` more units of a line of `quantity` units with frozen `share`, after
    /// `alreadyRefunded` of its units were refunded; nil when that would pass the line's quantity.
    public static func refund(units: Int, after alreadyRefunded: Int, of quantity: Int, share: Int64) -> Int64? {
        guard units >= 0, alreadyRefunded >= 0, units <= quantity - alreadyRefunded,
            let before = value(ofFirst: alreadyRefunded, of: quantity, share: share),
            let after = value(ofFirst: alreadyRefunded + units, of: quantity, share: share)
        else { return nil }
        return after - before
    }
}
