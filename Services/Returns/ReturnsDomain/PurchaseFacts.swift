import Foundation
import SupportPolicy

/// What Returns decides from, as Orders reports it: the owner, what was paid, the lines, and
/// whether and when the order was delivered.
public struct PurchaseFacts: Sendable, Hashable {
    /// One bought line.
    public struct Line: Sendable, Hashable {
        /// Line number.
        public var number: Int
        /// Units bought.
        public var quantity: Int
        /// Price of one unit.
        public var unitPrice: Money
        /// The line's share of what was paid, frozen by Orders when the order was imported.
        public var paidShare: Money

        /// A line.
        public init(number: Int, quantity: Int, unitPrice: Money, paidShare: Money) {
            self.number = number
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.paidShare = paidShare
        }
    }

    /// Where the order is, as far as returns care.
    public enum Progress: Sendable, Hashable {
        /// Not yet delivered (placed, processing, shipped, in transit).
        case notDelivered
        /// Delivered at the given time.
        case delivered(Date)
        /// Cancelled.
        case cancelled
    }

    /// The order.
    public var orderID: String
    /// Its owner.
    public var customerID: String
    /// What it paid.
    public var paid: Money
    /// Its progress.
    public var progress: Progress
    /// Its lines.
    public var lines: [Line]
    /// Recorded for oversight only.
    public var fairness: FairnessFacts

    /// Facts as Orders gave them.
    public init(
        orderID: String, customerID: String, paid: Money, progress: Progress, lines: [Line],
        fairness: FairnessFacts = FairnessFacts()
    ) {
        self.orderID = orderID
        self.customerID = customerID
        self.paid = paid
        self.progress = progress
        self.lines = lines
        self.fairness = fairness
    }
}
