/// An amount of money: integer minor units (cents, yen, fils) of an ISO 4217 currency. Never
/// floating point.
public struct Money: Sendable, Hashable, Codable {
    /// The amount in the currency's minor unit.
    public var minorUnits: Int64
    /// The ISO 4217 code, such as "EUR".
    public var currency: String

    /// `minorUnits` of `currency`.
    public init(minorUnits: Int64, currency: String) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Zero in `currency`.
    public static func zero(_ currency: String) -> Money {
        Money(minorUnits: 0, currency: currency)
    }

    /// The sum of `amounts`, all in `currency`; nil if one is in another currency or the sum
    /// overflows.
    public static func sum(_ amounts: [Money], currency: String) -> Money? {
        var total: Int64 = 0
        for amount in amounts {
            guard amount.currency == currency else { return nil }
            let (next, overflow) = total.addingReportingOverflow(amount.minorUnits)
            guard !overflow else { return nil }
            total = next
        }
        return Money(minorUnits: total, currency: currency)
    }
}

extension Money: CustomStringConvertible {
    /// "12.34 EUR", "1500 JPY", "1.250 BHD".
    public var description: String {
        let digits = Currency.minorDigits(of: currency) ?? 2
        guard digits > 0 else { return "\(minorUnits) \(currency)" }
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let sign = minorUnits < 0 ? "-" : ""
        let magnitude = minorUnits.magnitude
        let fraction = String(magnitude % UInt64(scale))
        let padded = String(repeating: "0", count: digits - fraction.count) + fraction
        return "\(sign)\(magnitude / UInt64(scale)).\(padded) \(currency)"
    }
}
