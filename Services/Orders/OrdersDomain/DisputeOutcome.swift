/// How a dispute was decided.
public enum DisputeOutcome: Int, Sendable, Hashable, Codable, CaseIterable {
    /// The customer's claim is upheld: refund.
    case customerUpheld = 1
    /// The merchant's position is upheld: no remedy.
    case merchantUpheld
    /// A partial remedy both sides agreed: refund of the agreed part.
    case settled

    /// The remedy that follows, by rule.
    public var remedy: Resolution? {
        switch self {
        case .customerUpheld, .settled: .refund
        case .merchantUpheld: nil
        }
    }
}
