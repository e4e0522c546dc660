/// What a carrier reported about a parcel.
public enum TrackingStatus: Int, Sendable, Hashable, Codable, CaseIterable {
    /// A label exists.
    case labelCreated = 1
    /// Picked up: the order is shipped.
    case pickedUp
    /// Moving.
    case inTransit
    /// Out for delivery.
    case outForDelivery
    /// Delivered: the order is delivered at the event's time.
    case delivered
    /// A problem (damage, loss, failed delivery); the status does not change.
    case exception

    /// The order status this event moves an order to, if any.
    var orderStatus: OrderStatus? {
        switch self {
        case .labelCreated: .processing
        case .pickedUp: .shipped
        case .inTransit, .outForDelivery: .inTransit
        case .delivered: .delivered
        case .exception: nil
        }
    }
}
