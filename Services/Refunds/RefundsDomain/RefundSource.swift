/// What a refund is for.
public enum RefundSource: Sendable, Hashable, Codable {
    /// An approved return.
    case returnID(String)
    /// An order issue resolved by refund.
    case issueID(String)
    /// An agent's goodwill refund, with the agent's reason.
    case agentNote(String)
}
