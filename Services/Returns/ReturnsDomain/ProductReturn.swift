import Foundation
import SupportPolicy

/// A return and everything that happened to it. Changed only through its commands
/// (`ProductReturn+Lifecycle.swift`), which guard every transition and append to the timeline.
public struct ProductReturn: Sendable, Hashable {
    /// Most messages a return keeps. Each (up to 16,000 bytes) is in its timeline too, so that a
    /// return stays well within one reply and one page of a list.
    public static let maximumMessages = 50

    /// Unique id.
    public var id: String
    /// The order.
    public var orderID: String
    /// The order's customer.
    public var customerID: String
    /// What is returned.
    public var lines: [ReturnLine]
    /// Why.
    public var reason: ReturnReason
    /// What the customer wants.
    public var remedy: ReturnRemedy
    /// The customer's words.
    public var description: String
    /// Where it is.
    public var state: ReturnState
    /// The free prepaid label.
    public var label: ReturnLabel
    /// The eligibility when it was opened.
    public var eligibility: Eligibility
    /// The inspection's finding.
    public var finding: InspectionFinding?
    /// The decision.
    public var decision: ReturnDecision?
    /// The refund due: the returned lines' value (currency of the order).
    public var refundAmount: Money
    /// The refund Refunds created.
    public var refundID: String
    /// The replacement recorded.
    public var replacementID: String
    /// The append-only timeline.
    public var timeline: [ReturnTimelineEntry]
    /// Messages between customer and support.
    public var messages: [CaseMessage]
    /// What the customer was told.
    public var notifications: [CaseMessage]
    /// When it was opened.
    public var requestedAt: Date

    /// A return from its stored parts (the store uses it; new returns come from ``request``).
    public init(
        id: String, orderID: String, customerID: String, lines: [ReturnLine], reason: ReturnReason,
        remedy: ReturnRemedy, description: String, state: ReturnState, label: ReturnLabel, eligibility: Eligibility,
        finding: InspectionFinding?, decision: ReturnDecision?, refundAmount: Money, refundID: String,
        replacementID: String, timeline: [ReturnTimelineEntry], messages: [CaseMessage], notifications: [CaseMessage],
        requestedAt: Date
    ) {
        self.id = id
        self.orderID = orderID
        self.customerID = customerID
        self.lines = lines
        self.reason = reason
        self.remedy = remedy
        self.description = description
        self.state = state
        self.label = label
        self.eligibility = eligibility
        self.finding = finding
        self.decision = decision
        self.refundAmount = refundAmount
        self.refundID = refundID
        self.replacementID = replacementID
        self.timeline = timeline
        self.messages = messages
        self.notifications = notifications
        self.requestedAt = requestedAt
    }

    /// Whether the return is approved for a refund that Refunds has not yet confirmed.
    public var awaitsRefund: Bool { state == .approved && remedy == .refund && refundID.isEmpty }

    /// The idempotency key of this return's refund request: the same on every attempt, so Refunds
    /// creates exactly one refund however often Returns retries or restarts.
    public var refundRequestKey: String { "return-\(id)-refund" }
}
