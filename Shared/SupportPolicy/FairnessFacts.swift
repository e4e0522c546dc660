import Foundation

/// Region, order value and account age: recorded with every case so that Oversight can prove
/// outcomes do not depend on them, and never an input to any decision.
public struct FairnessFacts: Sendable, Hashable, Codable {
    /// The customer's region, such as "EU" or "APAC".
    public var region: String
    /// The order's value.
    public var orderValue: Money?
    /// When the customer's account was created.
    public var accountCreatedAt: Date?

    /// Facts as given.
    public init(region: String = "", orderValue: Money? = nil, accountCreatedAt: Date? = nil) {
        self.region = region
        self.orderValue = orderValue
        self.accountCreatedAt = accountCreatedAt
    }
}
