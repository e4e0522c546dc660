import Foundation
import SupportPolicy

/// A refund: an amount in integer minor units, never more (with the order's other refunds) than
/// the order paid, due by `expectedBy` (approval + 10 days).
public struct Refund: Sendable, Hashable, Codable {
    /// Unique id.
    public var id: String
    /// The order refunded.
    public var orderID: String
    /// The order's customer.
    public var customerID: String
    /// How much.
    public var amount: Money
    /// Where it is.
    public var state: RefundState
    /// What it is for.
    public var source: RefundSource
    /// Why it failed.
    public var failureReason: String
    /// When it was approved (created).
    public var approvedAt: Date
    /// When it must have completed.
    public var expectedBy: Date
    /// When it completed or failed.
    public var finishedAt: Date?
    /// The payment side's reference.
    public var paymentReference: String
    /// The rule behind `expectedBy` and the amount check.
    public var rule: PolicyRule

    /// A refund from its stored parts.
    public init(
        id: String, orderID: String, customerID: String, amount: Money, state: RefundState, source: RefundSource,
        failureReason: String = "", approvedAt: Date, expectedBy: Date, finishedAt: Date? = nil,
        paymentReference: String = "", rule: PolicyRule = RefundPolicy.deadlineRule
    ) {
        self.id = id
        self.orderID = orderID
        self.customerID = customerID
        self.amount = amount
        self.state = state
        self.source = source
        self.failureReason = failureReason
        self.approvedAt = approvedAt
        self.expectedBy = expectedBy
        self.finishedAt = finishedAt
        self.paymentReference = paymentReference
        self.rule = rule
    }

    /// Whether the refund missed its deadline: still open after `expectedBy`, or finished after it.
    public func breachedSLA(at now: Date) -> Bool {
        if let finishedAt { return state == .completed && finishedAt > expectedBy }
        return state.isOpen && now > expectedBy
    }
}
