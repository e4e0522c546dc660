import Foundation
import SupportPolicy

/// A payment captured for an order.
public struct Payment: Sendable, Hashable, Codable {
    /// The provider's reference.
    public var id: String
    /// The amount captured.
    public var amount: Money
    /// "card", "wallet", ...
    public var method: String
    /// When it was captured.
    public var capturedAt: Date

    /// A payment.
    public init(id: String, amount: Money, method: String, capturedAt: Date) {
        self.id = id
        self.amount = amount
        self.method = method
        self.capturedAt = capturedAt
    }
}
