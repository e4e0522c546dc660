import Foundation
import SupportPolicy

extension Order {
    /// Records a carrier event and moves the status forward (never back): picked up is shipped,
    /// delivered sets `deliveredAt` to the event's time. A repeated event id changes nothing and
    /// returns false. Events for a cancelled order or from the future are refused.
    @discardableResult
    public mutating func record(_ event: TrackingEvent, now: Date) throws(OrdersError) -> Bool {
        try Self.checkID(event.id, "event.event_id")
        guard !event.carrier.isEmpty, TextLimit.admits(event.carrier, characters: 100) else {
            throw .invalid("event.carrier must be 1 to 100 characters (400 UTF-8 bytes)")
        }
        guard TextLimit.admits(event.trackingNumber, characters: 100),
            TextLimit.admits(event.description, characters: 1_000), TextLimit.admits(event.location, characters: 200)
        else {
            throw .invalid("event text fields are too long")
        }
        guard event.occurredAt <= now else { throw .invalid("event.occurred_at is in the future") }
        guard event.occurredAt >= placedAt else { throw .invalid("event.occurred_at is before the order was placed") }
        if trackingEvents.contains(where: { $0.id == event.id }) { return false }
        guard status != .cancelled else { throw .notAllowed("order \(id) was cancelled; it has no shipment to track") }
        trackingEvents.append(event)
        trackingEvents.sort { $0.occurredAt < $1.occurredAt }
        if let next = event.status.orderStatus, next > status {
            if next.hasShipped, shippedAt == nil { shippedAt = event.occurredAt }
            if next == .delivered { deliveredAt = event.occurredAt }
            status = next
        }
        return true
    }
}
