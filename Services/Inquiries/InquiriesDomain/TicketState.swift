/// Where a ticket is: OPEN -> ANSWERED -> CLOSED.
public enum TicketState: Int, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting for staff; the response clock runs.
    case open = 1
    /// Answered; the customer was informed.
    case answered
    /// Finished.
    case closed

    /// The name used in messages and events.
    public var name: String {
        switch self {
        case .open: "OPEN"
        case .answered: "ANSWERED"
        case .closed: "CLOSED"
        }
    }
}
