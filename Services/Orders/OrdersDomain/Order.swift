import Foundation
import SupportPolicy

/// An order as the platform placed it, with what happened to it since.
public struct Order: Sendable, Hashable, Codable {
    /// The platform's order id.
    public var id: String
    /// The customer who placed it.
    public var customerID: String
    /// Product lines.
    public var lines: [OrderLine]
    /// Payments captured.
    public var payments: [Payment]
    /// Where it ships to.
    public var shippingAddress: Address
    /// Current status.
    public var status: OrderStatus
    /// When it was placed.
    public var placedAt: Date
    /// When the carrier picked it up.
    public var shippedAt: Date?
    /// When it was delivered.
    public var deliveredAt: Date?
    /// Tracking events, oldest first.
    public var trackingEvents: [TrackingEvent]
    /// Recorded for oversight only.
    public var fairness: FairnessFacts
    /// The customer's note.
    public var customerNote: String

    /// An order from its parts.
    public init(
        id: String, customerID: String, lines: [OrderLine], payments: [Payment], shippingAddress: Address,
        status: OrderStatus = .placed, placedAt: Date, shippedAt: Date? = nil, deliveredAt: Date? = nil,
        trackingEvents: [TrackingEvent] = [], fairness: FairnessFacts = FairnessFacts(), customerNote: String = ""
    ) {
        self.id = id
        self.customerID = customerID
        self.lines = lines
        self.payments = payments
        self.shippingAddress = shippingAddress
        self.status = status
        self.placedAt = placedAt
        self.shippedAt = shippedAt
        self.deliveredAt = deliveredAt
        self.trackingEvents = trackingEvents
        self.fairness = fairness
        self.customerNote = customerNote
    }

    /// When the status last changed: the tracking event that moved it there, or the recorded
    /// delivery, shipment or placement time.
    public var statusChangedAt: Date {
        if status == .delivered, let deliveredAt { return deliveredAt }
        if let event = trackingEvents.last(where: { $0.status.orderStatus == status }) { return event.occurredAt }
        return (status.hasShipped ? shippedAt : nil) ?? placedAt
    }

    /// The order's currency: that of its lines.
    public var currency: String { lines.first?.unitPrice.currency ?? "" }

    /// The sum of the lines (shipping is always free).
    public var total: Money {
        Money.sum(lines.compactMap(\.amount), currency: currency) ?? .zero(currency)
    }

    /// The sum of captured payments: the most that can ever be refunded.
    public var paid: Money {
        Money.sum(payments.map(\.amount), currency: currency) ?? .zero(currency)
    }

    /// The fairness facts recorded with the order's cases: as the platform gave them, with the
    /// order's value filled in from its total when the platform left it out.
    public var recordedFairness: FairnessFacts {
        var facts = fairness
        if facts.orderValue == nil { facts.orderValue = total }
        return facts
    }

    /// The order's latest tracking event.
    public var latestTrackingEvent: TrackingEvent? { trackingEvents.last }

    /// One sentence confirming the status to the customer.
    /// Written into one buffer reserved up front: an interpolation per part grew the string seven
    /// times on every `GetOrderStatus` (service-profile.md, ninth pass).
    public var statusSummary: String {
        let opening = "Your order ", latestFrom = "; latest from "
        let shown = status.hasShipped ? latestTrackingEvent : nil
        let detail = shown.map { $0.description.isEmpty ? "update" : $0.description } ?? ""
        let tracking = shown.map { latestFrom.utf8.count + $0.carrier.utf8.count + 2 + detail.utf8.count } ?? 0
        var summary = ""
        summary.reserveCapacity(opening.utf8.count + id.utf8.count + 1 + status.phrase.utf8.count + tracking + 1)
        summary += opening
        summary += id
        summary += " "
        summary += status.phrase
        if let shown {
            summary += latestFrom
            summary += shown.carrier
            summary += ": "
            summary += detail
        }
        summary += "."
        return summary
    }
}
