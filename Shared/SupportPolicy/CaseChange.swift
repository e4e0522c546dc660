/// What a command did to a case (an order issue, a return, a ticket, a complaint), for the audit
/// trail: each service turns these into events for Oversight, written in the same transaction as
/// the case.
public enum CaseChange: Sendable, Hashable {
    /// The case was opened: its clocks start.
    case opened
    /// Support's first reply reached the customer.
    case firstResponse
    /// The state changed.
    case stateChanged(from: String?, to: String)
    /// A decision was made by `rule`.
    case decided(Decision)
    /// A message was exchanged (including what the customer was told).
    case message(CaseMessage)
    /// The case was resolved (or decided): resolution time ends.
    case resolved

    /// A decision and the rule behind it.
    public struct Decision: Sendable, Hashable {
        /// "issue_resolution", "dispute_outcome", "return_decision", ...
        public var type: String
        /// The outcome, such as "RESHIP" or "CUSTOMER_UPHELD".
        public var outcome: String
        /// Whether the customer got a remedy.
        public var favorable: Bool
        /// The rule that produced it.
        public var rule: PolicyRule
        /// Whether it is the playbook's standard answer.
        public var followedPlaybook: Bool

        /// A decision.
        public init(type: String, outcome: String, favorable: Bool, rule: PolicyRule, followedPlaybook: Bool = true) {
            self.type = type
            self.outcome = outcome
            self.favorable = favorable
            self.rule = rule
            self.followedPlaybook = followedPlaybook
        }
    }
}
