import Foundation
import SupportPolicy

extension Order {
    /// Most tracking events an order keeps, but for those that move its status forward (at most
    /// one per status, as status only moves forward): a parcel's journey takes a few dozen; the
    /// bound keeps an order (read whole by every `GetOrder`, and sent whole in its replies) from
    /// growing without end under a carrier that repeats itself with new event ids, and never
    /// keeps an order from being delivered.
    public static let maximumTrackingEvents = 200

    /// Records a carrier event and moves the status forward (never back): picked up is shipped,
    /// delivered sets `deliveredAt` to the event's time. A repeated event id changes nothing and
    /// returns false. Events for a cancelled order or from the future are refused, and so is a
    /// new event that would not move the status forward once the order has
    /// ``maximumTrackingEvents``.
    ///
    /// The event goes after every event that occurred at or before it, so that events are in
    /// `occurredAt` order and events of one instant in the order they were recorded.
    @discardableResult
    public mutating func record(_ event: TrackingEvent, now: Date) throws(OrdersError) -> Bool {
        try Self.check(event, "event", now: now, placedAt: placedAt)
        if trackingEvents.contains(where: { $0.id == event.id }) { return false }
        guard status != .cancelled else { throw .notAllowed("order \(id) was cancelled; it has no shipment to track") }
        let next = event.status.orderStatus.flatMap { $0 > status ? $0 : nil }
        guard trackingEvents.count < Self.maximumTrackingEvents || next != nil else {
            throw .notAllowed(
                "order \(id) has \(trackingEvents.count) tracking events; past \(Self.maximumTrackingEvents) it keeps "
                    + "only events that move its status forward")
        }
        let position = trackingEvents.lastIndex { $0.occurredAt <= event.occurredAt }.map { $0 + 1 } ?? 0
        trackingEvents.insert(event, at: position)
        if let next {
            if next.hasShipped, shippedAt == nil { shippedAt = event.occurredAt }
            if next == .delivered { deliveredAt = event.occurredAt }
            status = next
        }
        return true
    }

    /// Puts imported tracking events in `occurredAt` order, events of one instant in the order
    /// they came: the order ``record(_:now:)`` keeps.
    public mutating func sortTrackingEvents() {
        trackingEvents = trackingEvents.enumerated().sorted {
            ($0.element.occurredAt, $0.offset) < ($1.element.occurredAt, $1.offset)
        }.map(\.element)
    }

    /// Checks a tracking event named `field`: its id, bounded text, and a time between the order's
    /// placing and now.
    static func check(_ event: TrackingEvent, _ field: String, now: Date, placedAt: Date) throws(OrdersError) {
        try checkID(event.id, "\(field).event_id")
        guard !TextLimit.isBlank(event.carrier), TextLimit.admits(event.carrier, characters: 100) else {
            throw .invalid("\(field).carrier must be 1 to 100 characters (400 UTF-8 bytes)")
        }
        guard TextLimit.admits(event.trackingNumber, characters: 100),
            TextLimit.admits(event.description, characters: 1_000), TextLimit.admits(event.location, characters: 200)
        else {
            throw .invalid("\(field) text fields are too long")
        }
        guard event.occurredAt <= now else { throw .invalid("\(field).occurred_at is in the future") }
        guard event.occurredAt >= placedAt else {
            throw .invalid("\(field).occurred_at is before the order was placed")
        }
    }
}
