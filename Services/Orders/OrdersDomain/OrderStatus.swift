/// Where an order is in its life. It only moves forward: placed, processing, shipped, in
/// transit, delivered; or cancelled before shipment.
public enum OrderStatus: Int, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Placed and paid.
    case placed = 1
    /// Being prepared.
    case processing
    /// Handed to the carrier.
    case shipped
    /// Moving through the carrier's network.
    case inTransit
    /// Delivered.
    case delivered
    /// Cancelled before shipment.
    case cancelled

    /// Whether the parcel has left the warehouse (address and details can no longer change).
    public var hasShipped: Bool { self == .shipped || self == .inTransit || self == .delivered }

    /// Ordered by progress.
    public static func < (lhs: OrderStatus, rhs: OrderStatus) -> Bool { lhs.rawValue < rhs.rawValue }

    /// How a customer reads it.
    public var phrase: String {
        switch self {
        case .placed: "has been placed and paid"
        case .processing: "is being prepared"
        case .shipped: "has been handed to the carrier"
        case .inTransit: "is with the carrier (in transit)"
        case .delivered: "has been delivered"
        case .cancelled: "was cancelled"
        }
    }
}
