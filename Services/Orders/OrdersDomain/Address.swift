import Foundation
import SupportPolicy

/// A postal address.
public struct Address: Sendable, Hashable, Codable {
    /// Who receives the parcel.
    public var recipient: String
    /// Street and number.
    public var line1: String
    /// Flat, floor, building.
    public var line2: String
    /// City.
    public var city: String
    /// State, province or county.
    public var state: String
    /// Postal code.
    public var postalCode: String
    /// ISO 3166-1 alpha-2 country code.
    public var countryCode: String

    /// An address from its parts.
    public init(
        recipient: String, line1: String, line2: String = "", city: String, state: String = "", postalCode: String,
        countryCode: String
    ) {
        self.recipient = recipient
        self.line1 = line1
        self.line2 = line2
        self.city = city
        self.state = state
        self.postalCode = postalCode
        self.countryCode = countryCode
    }

    /// Why the address cannot be shipped to, or nil if it can.
    public var problem: String? {
        for (name, value) in [("recipient", recipient), ("line1", line1), ("city", city), ("postal_code", postalCode)]
        where value.trimmingCharacters(in: .whitespaces).isEmpty {
            return "address.\(name) is required"
        }
        for (name, value) in [
            ("recipient", recipient), ("line1", line1), ("line2", line2), ("city", city), ("state", state),
            ("postal_code", postalCode),
        ] where !TextLimit.admits(value, characters: 200) {
            return "address.\(name) is longer than 200 characters (800 UTF-8 bytes)"
        }
        guard countryCode.count == 2, countryCode.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            return "address.country_code must be an ISO 3166-1 alpha-2 code such as \"DE\""
        }
        return nil
    }
}
