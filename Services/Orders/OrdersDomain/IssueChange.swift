import SupportPolicy

/// What an issue command did, for the audit trail: the service turns each into an event for
/// Oversight, written in the same transaction as the issue.
public enum IssueChange: Sendable, Hashable {
    /// The issue was reported: its clocks start.
    case opened
    /// Support's first reply reached the customer.
    case firstResponse
    /// The state changed.
    case stateChanged(from: IssueState?, to: IssueState)
    /// A decision was made by `rule`.
    case decided(Decision)
    /// A message was exchanged (including what the customer was told).
    case message(CaseMessage)
    /// The issue was resolved or its dispute decided: resolution time ends.
    case resolved

    /// A decision and the rule behind it.
    public struct Decision: Sendable, Hashable {
        /// "issue_resolution" or "dispute_outcome".
        public var type: String
        /// The outcome, such as "RESHIP" or "CUSTOMER_UPHELD".
        public var outcome: String
        /// Whether the customer got a remedy.
        public var favorable: Bool
        /// The rule that produced it.
        public var rule: PolicyRule
        /// Whether it is the playbook's standard answer.
        public var followedPlaybook: Bool
    }
}
