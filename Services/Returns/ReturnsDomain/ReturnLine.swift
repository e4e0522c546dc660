import SupportPolicy

/// Units of one order line being returned, with the order line's frozen share of what was paid
/// and this line's part of the refund (rule ``SupportPolicy/PaidShare/rule``).
public struct ReturnLine: Sendable, Hashable, Codable {
    /// The order line.
    public var lineNumber: Int
    /// How many units.
    public var quantity: Int
    /// The order line's share of what was paid, frozen when the order was imported.
    public var paidShare: Money?
    /// How many units the order line had when its share was frozen.
    public var orderedQuantity: Int
    /// This line's part of the return's refund.
    public var refundAmount: Money?

    /// A return line; the share and refund are filled in by ``ProductReturn/request``.
    public init(
        lineNumber: Int, quantity: Int, paidShare: Money? = nil, orderedQuantity: Int = 0, refundAmount: Money? = nil
    ) {
        self.lineNumber = lineNumber
        self.quantity = quantity
        self.paidShare = paidShare
        self.orderedQuantity = orderedQuantity
        self.refundAmount = refundAmount
    }
}
