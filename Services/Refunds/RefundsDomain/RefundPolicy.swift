import Foundation
import SupportPolicy

/// The refund rules: the amount check and the deadline.
public enum RefundPolicy {
    /// Refunds complete within 10 days of approval.
    public static let deadlineRule = PolicyRule(
        id: "REF-DEADLINE-10D",
        text: "A refund completes within 5 to 10 days of approval; expected_by is approval + 10 days.")
    /// Refunds never exceed what was paid.
    public static let limitRule = PolicyRule(
        id: "REF-LIMIT-PAID", text: "All refunds of an order together never exceed what the order paid.")

    /// A return or an issue resolution is refunded once.
    public static let onePerSourceRule = PolicyRule(
        id: "REF-ONE-PER-CASE",
        text: "A return or an order issue resolution has at most one refund (a failed one may be replaced).")

    /// The deadline of a refund approved at `approvedAt`.
    public static func expectedBy(approvedAt: Date) -> Date {
        approvedAt.addingTimeInterval(Double(Policy.refundDeadlineDays) * 86_400)
    }
}
