/// A side of a dispute.
public enum DisputeParty: Int, Sendable, Hashable, Codable, CaseIterable {
    /// The customer.
    case customer = 1
    /// The merchant or platform.
    case merchant
}
