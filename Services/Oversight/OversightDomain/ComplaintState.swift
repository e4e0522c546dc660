/// Where a complaint is: SUBMITTED -> ASSIGNED -> INVESTIGATING -> RESOLVED -> CLOSED.
public enum ComplaintState: Int, Sendable, Hashable, Codable, CaseIterable {
    /// Filed, not yet assigned.
    case submitted = 1
    /// Assigned to a member of the complaints staff.
    case assigned
    /// Being investigated.
    case investigating
    /// Resolved; the customer was informed.
    case resolved
    /// Finished.
    case closed

    /// The name used in messages and events.
    public var name: String {
        switch self {
        case .submitted: "SUBMITTED"
        case .assigned: "ASSIGNED"
        case .investigating: "INVESTIGATING"
        case .resolved: "RESOLVED"
        case .closed: "CLOSED"
        }
    }
}
