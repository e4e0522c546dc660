import Foundation

/// A record that the customer was informed of something.
public struct CustomerNotification: Sendable, Hashable, Codable {
    /// Unique id.
    public var id: String
    /// The customer informed.
    public var customerID: String
    /// What they were told.
    public var text: String
    /// When.
    public var createdAt: Date

    /// A value from its parts.
    public init(id: String, customerID: String, text: String, createdAt: Date) {
        self.id = id
        self.customerID = customerID
        self.text = text
        self.createdAt = createdAt
    }
}
