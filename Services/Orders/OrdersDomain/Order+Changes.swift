import Foundation
import SupportPolicy

extension Order {
    /// The rule: an address may change on the order only before shipment.
    public var addressCanChange: Bool { !status.hasShipped && status != .cancelled }

    /// Changes the shipping address (before shipment only).
    public mutating func changeAddress(to address: Address) throws(OrdersError) {
        if let problem = address.problem { throw .invalid(problem) }
        guard addressCanChange else {
            throw .notAllowed("order \(id) \(status.phrase); the address can no longer change on the order")
        }
        shippingAddress = address
    }

    /// Changes quantities and the note, before shipment only; at least one line must remain.
    public mutating func adjust(_ changes: [LineAdjustment], note: String?) throws(OrdersError) {
        guard !status.hasShipped, status != .cancelled else {
            throw .notAllowed("order \(id) \(status.phrase); its details can no longer change")
        }
        guard !changes.isEmpty || note != nil else { throw .invalid("nothing to adjust: give lines or customer_note") }
        var adjusted = lines
        var seen = Set<Int>()
        for change in changes {
            guard seen.insert(change.lineNumber).inserted else {
                throw .invalid("line \(change.lineNumber) is adjusted twice")
            }
            guard let index = adjusted.firstIndex(where: { $0.number == change.lineNumber }) else {
                throw .invalid("order \(id) has no line \(change.lineNumber)")
            }
            guard (0...lines[index].quantity).contains(change.quantity) else {
                throw .invalid(
                    "line \(change.lineNumber) can go from \(lines[index].quantity) down to 0, not to \(change.quantity)"
                )
            }
            if let share = adjusted[index].paidShare,
                let kept = PaidShare.value(ofFirst: change.quantity, of: lines[index].quantity, share: share.minorUnits)
            {
                // The units kept keep their frozen shares; the removed units' shares go to no other line.
                adjusted[index].paidShare = Money(minorUnits: kept, currency: share.currency)
            }
            adjusted[index].quantity = change.quantity
        }
        adjusted.removeAll { $0.quantity == 0 }
        guard !adjusted.isEmpty else {
            throw .notAllowed("an adjustment cannot remove every line; cancel the order instead")
        }
        if let note {
            guard TextLimit.admits(note, characters: Self.maximumTextLength) else {
                throw .invalid("customer_note is too long")
            }
            customerNote = note
        }
        lines = adjusted
    }
}
