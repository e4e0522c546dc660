import Foundation

/// One carrier tracking event.
public struct TrackingEvent: Sendable, Hashable, Codable {
    /// The carrier's unique id; a repeated id is ignored.
    public var id: String
    /// The carrier.
    public var carrier: String
    /// The parcel's tracking number.
    public var trackingNumber: String
    /// What happened.
    public var status: TrackingStatus
    /// The carrier's description.
    public var description: String
    /// Where, free text.
    public var location: String
    /// When.
    public var occurredAt: Date

    /// An event as the carrier reported it.
    public init(
        id: String, carrier: String, trackingNumber: String, status: TrackingStatus, description: String = "",
        location: String = "", occurredAt: Date
    ) {
        self.id = id
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.status = status
        self.description = description
        self.location = location
        self.occurredAt = occurredAt
    }
}
