/// Where an issue is in its life: OPEN -> CLASSIFIED -> RESOLVED -> CLOSED, and for disputes
/// MEDIATION -> DECIDED -> CLOSED.
public enum IssueState: Int, Sendable, Hashable, Codable, CaseIterable {
    /// Reported; cause unknown.
    case open = 1
    /// Cause known, resolution chosen.
    case classified
    /// Resolution applied, customer informed.
    case resolved
    /// A dispute collecting evidence.
    case mediation
    /// A decided dispute.
    case decided
    /// Finished.
    case closed

    /// The states of an issue still open to the customer: not yet resolved, decided or closed
    /// (the open-issue count of an order's status).
    public static let awaitingOutcome: [IssueState] = [.open, .classified, .mediation]

    /// The name used in messages and events.
    public var name: String {
        switch self {
        case .open: "OPEN"
        case .classified: "CLASSIFIED"
        case .resolved: "RESOLVED"
        case .mediation: "MEDIATION"
        case .decided: "DECIDED"
        case .closed: "CLOSED"
        }
    }
}
