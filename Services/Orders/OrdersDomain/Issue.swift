import Foundation
import SupportPolicy

/// An order issue and everything that happened to it. Changed only through its commands
/// (`Issue+Lifecycle.swift`), which guard every state transition and append to the log.
public struct Issue: Sendable, Hashable, Codable {
    /// Most messages an issue keeps. Each (up to 16,000 bytes) is in its log too, so that with
    /// ``maximumEvidence`` an issue stays under 3 MiB: within one reply and one page of a list.
    public static let maximumMessages = 50
    /// Most pieces of evidence a dispute keeps (each a statement and up to 10 attachment links).
    public static let maximumEvidence = 10

    /// Unique id.
    public var id: String
    /// The order concerned.
    public var orderID: String
    /// The order's customer.
    public var customerID: String
    /// What kind of issue.
    public var category: IssueCategory
    /// The cause, once classified.
    public var cause: IssueCause?
    /// The standardized resolution, once chosen.
    public var resolution: Resolution?
    /// Where it is.
    public var state: IssueState
    /// The reporter's description.
    public var description: String
    /// The rule behind the resolution.
    public var decisionRule: PolicyRule?
    /// Whether the resolution is the playbook's standard one.
    public var followedPlaybook: Bool
    /// The append-only resolution log.
    public var log: [IssueLogEntry]
    /// Messages between customer and support.
    public var messages: [CaseMessage]
    /// Every time the customer was informed.
    public var notifications: [CustomerNotification]
    /// For disputes.
    public var dispute: Dispute?
    /// For address corrections.
    public var requestedAddress: Address?
    /// When reported.
    public var reportedAt: Date
    /// When resolved or decided.
    public var resolvedAt: Date?
    /// When support's first reply reached the customer.
    public var firstResponseAt: Date?

    /// An issue from its stored parts (the store uses it; new issues come from ``report``).
    public init(
        id: String, orderID: String, customerID: String, category: IssueCategory, cause: IssueCause?,
        resolution: Resolution?, state: IssueState, description: String, decisionRule: PolicyRule?,
        followedPlaybook: Bool, log: [IssueLogEntry], messages: [CaseMessage], notifications: [CustomerNotification],
        dispute: Dispute?, requestedAddress: Address?, reportedAt: Date, resolvedAt: Date?, firstResponseAt: Date?
    ) {
        self.id = id
        self.orderID = orderID
        self.customerID = customerID
        self.category = category
        self.cause = cause
        self.resolution = resolution
        self.state = state
        self.description = description
        self.decisionRule = decisionRule
        self.followedPlaybook = followedPlaybook
        self.log = log
        self.messages = messages
        self.notifications = notifications
        self.dispute = dispute
        self.requestedAddress = requestedAddress
        self.reportedAt = reportedAt
        self.resolvedAt = resolvedAt
        self.firstResponseAt = firstResponseAt
    }
}
