import Foundation
import SupportPolicy

/// A complaint or suggestion, tracked from filing to resolution by dedicated staff.
public struct Complaint: Sendable, Hashable {
    /// Most messages a complaint keeps (at up to 16,000 bytes each, well within one reply and one
    /// page of a list).
    public static let maximumMessages = 100

    /// Complaint or suggestion.
    public enum Kind: Int, Sendable, Hashable, Codable {
        /// Something went wrong.
        case complaint = 1
        /// An idea.
        case suggestion
    }

    /// Unique id.
    public var id: String
    /// Complaint or suggestion.
    public var kind: Kind
    /// Who filed it.
    public var customerID: String
    /// One line.
    public var subject: String
    /// The text.
    public var text: String
    /// The case it is about, if any.
    public var relatedCase: String
    /// Where it is.
    public var state: ComplaintState
    /// The staff member assigned.
    public var assignedTo: String
    /// The result told to the customer.
    public var resolution: String
    /// Messages between customer and staff.
    public var messages: [CaseMessage]
    /// What the customer was told.
    public var notifications: [CaseMessage]
    /// When it was filed.
    public var filedAt: Date
    /// When it was resolved.
    public var resolvedAt: Date?
    /// When it was closed.
    public var closedAt: Date?

    /// A complaint from its stored parts.
    public init(
        id: String, kind: Kind, customerID: String, subject: String, text: String, relatedCase: String,
        state: ComplaintState, assignedTo: String, resolution: String, messages: [CaseMessage],
        notifications: [CaseMessage], filedAt: Date, resolvedAt: Date?, closedAt: Date?
    ) {
        self.id = id
        self.kind = kind
        self.customerID = customerID
        self.subject = subject
        self.text = text
        self.relatedCase = relatedCase
        self.state = state
        self.assignedTo = assignedTo
        self.resolution = resolution
        self.messages = messages
        self.notifications = notifications
        self.filedAt = filedAt
        self.resolvedAt = resolvedAt
        self.closedAt = closedAt
    }
}
