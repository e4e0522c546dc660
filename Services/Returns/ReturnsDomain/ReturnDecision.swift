import Foundation
import SupportPolicy

/// The approval or rejection of a return, with its rule.
public struct ReturnDecision: Sendable, Hashable, Codable {
    /// Whether the return was approved.
    public var approved: Bool
    /// The rule applied.
    public var rule: PolicyRule
    /// Why, for the customer.
    public var explanation: String
    /// When.
    public var decidedAt: Date

    /// A decision.
    public init(approved: Bool, rule: PolicyRule, explanation: String, decidedAt: Date) {
        self.approved = approved
        self.rule = rule
        self.explanation = explanation
        self.decidedAt = decidedAt
    }
}
