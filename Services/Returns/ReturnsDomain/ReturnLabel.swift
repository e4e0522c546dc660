import SupportPolicy

/// The free prepaid return label.
public struct ReturnLabel: Sendable, Hashable, Codable {
    /// The carrier.
    public var carrier: String
    /// The tracking number.
    public var trackingNumber: String
    /// Where to print it.
    public var labelURL: String
    /// What the customer pays: always zero.
    public var customerCost: Money

    /// A label.
    public init(carrier: String, trackingNumber: String, labelURL: String, customerCost: Money) {
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.labelURL = labelURL
        self.customerCost = customerCost
    }
}
