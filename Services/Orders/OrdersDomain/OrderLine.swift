import SupportPolicy

/// One product line of an order.
public struct OrderLine: Sendable, Hashable, Codable {
    /// Line number within the order, from 1.
    public var number: Int
    /// Stock-keeping unit.
    public var sku: String
    /// Product title at purchase.
    public var title: String
    /// Units bought.
    public var quantity: Int
    /// Price of one unit.
    public var unitPrice: Money
    /// The line's share of what was paid for the order, frozen when the order is imported
    /// (``Order/freezePaidShares()``, rule ``SupportPolicy/PaidShare/rule``); nil until then.
    public var paidShare: Money?

    /// A line.
    public init(number: Int, sku: String, title: String, quantity: Int, unitPrice: Money, paidShare: Money? = nil) {
        self.number = number
        self.sku = sku
        self.title = title
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.paidShare = paidShare
    }

    /// Quantity times unit price, or nil on overflow.
    public var amount: Money? {
        let (value, overflow) = unitPrice.minorUnits.multipliedReportingOverflow(by: Int64(quantity))
        return overflow ? nil : Money(minorUnits: value, currency: unitPrice.currency)
    }
}
