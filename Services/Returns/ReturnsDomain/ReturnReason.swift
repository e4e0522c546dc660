/// Why a customer returns something.
public enum ReturnReason: Int, Sendable, Hashable, Codable, CaseIterable {
    /// The product is defective.
    case productDefect = 1
    /// Damaged in shipping.
    case shippingDamage
    /// Not what was ordered.
    case orderMismatch
    /// Part of the order is missing.
    case missingItem
    /// The customer changed their mind.
    case changedMind

    /// Whether a replacement may be chosen instead of a refund (defect, damage, mismatch).
    public var allowsReplacement: Bool {
        self == .productDefect || self == .shippingDamage || self == .orderMismatch
    }

    /// The name used in rules and events.
    public var name: String {
        switch self {
        case .productDefect: "PRODUCT_DEFECT"
        case .shippingDamage: "SHIPPING_DAMAGE"
        case .orderMismatch: "ORDER_MISMATCH"
        case .missingItem: "MISSING_ITEM"
        case .changedMind: "CHANGED_MIND"
        }
    }
}
