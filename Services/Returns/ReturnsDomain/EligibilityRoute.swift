/// Where a post-purchase request should go.
public enum EligibilityRoute: Int, Sendable, Hashable, Codable {
    /// A return can be opened.
    case returnRequest = 1
    /// Not delivered yet: it is an order issue, handled by Orders.
    case orderIssue
    /// Neither (outside the window, or cancelled).
    case none
}
