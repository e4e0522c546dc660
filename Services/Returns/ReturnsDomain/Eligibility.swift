import Foundation
import SupportPolicy

/// Whether an order can be returned now, and the rule that says so. The return window is
/// counted in UTC calendar days: the delivery day is day 0, and a return may be opened until the
/// end (23:59:59.999 UTC) of day 60. Delivered 60 days ago: eligible; 61 days ago: not.
public struct Eligibility: Sendable, Hashable {
    /// Whether a return may be opened.
    public var eligible: Bool
    /// Where the request goes.
    public var route: EligibilityRoute
    /// The rule applied.
    public var rule: PolicyRule
    /// When the order was delivered.
    public var deliveredAt: Date?
    /// The first instant a return can no longer be opened (midnight UTC after day 60).
    public var windowEndsAt: Date?
    /// Whole UTC calendar days since the delivery day.
    public var daysSinceDelivery: Int?
    /// One sentence for the customer.
    public var explanation: String

    /// The rule: the 60-day window.
    public static let windowRule = PolicyRule(
        id: "RET-WINDOW-60D",
        text: "A return may be opened until the end of the 60th day after delivery (UTC calendar days; "
            + "the delivery day is day 0). Return shipping is free with a prepaid label.")
    /// The rule: not delivered yet.
    public static let notDeliveredRule = PolicyRule(
        id: "RET-NOT-DELIVERED",
        text: "An order that has not been delivered cannot be returned; its problems are order issues.")
    /// The rule: cancelled orders.
    public static let cancelledRule = PolicyRule(
        id: "RET-CANCELLED", text: "A cancelled order was never shipped and cannot be returned.")

    /// The eligibility of an order with `facts` at `now`.
    public static func evaluate(_ facts: PurchaseFacts, at now: Date) -> Eligibility {
        switch facts.progress {
        case .cancelled:
            return Eligibility(
                eligible: false, route: .none, rule: cancelledRule, explanation: "Order \(facts.orderID) was cancelled."
            )
        case .notDelivered:
            return Eligibility(
                eligible: false, route: .orderIssue, rule: notDeliveredRule,
                explanation: "Order \(facts.orderID) has not been delivered yet; report an order issue instead.")
        case .delivered(let deliveredAt):
            let days = utcDays(from: deliveredAt, to: now)
            let windowEnds = startOfUTCDay(deliveredAt).addingTimeInterval(Double(Policy.returnWindowDays + 1) * 86_400)
            let eligible = now < windowEnds
            let ends = windowEnds.addingTimeInterval(-0.001).formatted(.iso8601)
            return Eligibility(
                eligible: eligible, route: eligible ? .returnRequest : .none, rule: windowRule,
                deliveredAt: deliveredAt,
                windowEndsAt: windowEnds, daysSinceDelivery: days,
                explanation: eligible
                    ? "Delivered \(days) days ago: you can return it until \(ends), with a free prepaid label."
                    : "Delivered \(days) days ago: the 60-day return window ended at \(ends).")
        }
    }

    /// An eligibility from its parts (as stored with a return).
    public init(
        eligible: Bool, route: EligibilityRoute, rule: PolicyRule, deliveredAt: Date? = nil, windowEndsAt: Date? = nil,
        daysSinceDelivery: Int? = nil, explanation: String
    ) {
        self.eligible = eligible
        self.route = route
        self.rule = rule
        self.deliveredAt = deliveredAt
        self.windowEndsAt = windowEndsAt
        self.daysSinceDelivery = daysSinceDelivery
        self.explanation = explanation
    }

    /// Midnight UTC at the start of `date`'s day.
    static func startOfUTCDay(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
    }

    /// Whole UTC calendar days from `start`'s day to `end`'s day.
    static func utcDays(from start: Date, to end: Date) -> Int {
        Int(
            ((startOfUTCDay(end).timeIntervalSince1970 - startOfUTCDay(start).timeIntervalSince1970) / 86_400).rounded()
        )
    }
}
