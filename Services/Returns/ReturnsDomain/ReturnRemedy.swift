/// What the customer gets for an approved return.
public enum ReturnRemedy: Int, Sendable, Hashable, Codable, CaseIterable {
    /// Money back to the original payment method.
    case refund = 1
    /// The same product again.
    case replacement
}
