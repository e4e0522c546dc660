/// The kinds of order issue.
public enum IssueCategory: Int, Sendable, Hashable, Codable, CaseIterable {
    /// Preparation or shipping is late.
    case processingDelay = 1
    /// Tracking has not changed for too long.
    case trackingNotUpdated
    /// The status contradicts the facts.
    case statusAnomaly
    /// Damage, loss, wrong route.
    case shippingAnomaly
    /// The address must change.
    case addressCorrection
    /// Quantities, lines or note must change.
    case orderDetailAdjustment
    /// The customer disputes the order or a charge.
    case dispute

    /// The name used in rules, events and reports, such as "SHIPPING_ANOMALY".
    public var name: String {
        switch self {
        case .processingDelay: "PROCESSING_DELAY"
        case .trackingNotUpdated: "TRACKING_NOT_UPDATED"
        case .statusAnomaly: "STATUS_ANOMALY"
        case .shippingAnomaly: "SHIPPING_ANOMALY"
        case .addressCorrection: "ADDRESS_CORRECTION"
        case .orderDetailAdjustment: "ORDER_DETAIL_ADJUSTMENT"
        case .dispute: "DISPUTE"
        }
    }
}
