/// The dispute part of a dispute issue.
public struct Dispute: Sendable, Hashable, Codable {
    /// Evidence in the order submitted.
    public var evidence: [DisputeEvidence] = []
    /// The decision.
    public var outcome: DisputeOutcome?
    /// The mediator's reasoning.
    public var rationale: String = ""

    /// An empty dispute.
    public init() {}

    /// Whether both sides have given evidence (required before a decision).
    public var hasBothSides: Bool {
        Set(evidence.map(\.party)) == Set(DisputeParty.allCases)
    }
}
