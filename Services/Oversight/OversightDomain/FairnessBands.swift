import Foundation
import SupportPolicy

/// The groups outcomes are compared across: order-value bands (in the currency's major units, so
/// 49.99 EUR and 49 JPY... are compared by magnitude of the amount as written) and account-age
/// bands at the time of the decision.
public enum FairnessBands {
    /// The value band of an amount: "<50", "50-200", "200-1000" or "1000+" major units.
    public static func valueBand(_ value: Money?) -> String {
        guard let value, let digits = Currency.minorDigits(of: value.currency) else { return "unknown" }
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let major = value.minorUnits / scale
        switch major {
        case ..<50: return "<50"
        case 50..<200: return "50-200"
        case 200..<1_000: return "200-1000"
        default: return "1000+"
        }
    }

    /// The value bands' limits, in major units of the currency values are compared in.
    public static let valueLimits: [Int64] = [50, 200, 1_000]

    /// The value bands' names in `currency`: "<50 EUR", "50-200 EUR", "200-1000 EUR", "1000+ EUR".
    public static func valueBandNames(in currency: String) -> [String] {
        ["<50", "50-200", "200-1000", "1000+"].map { "\($0) \(currency)" }
    }

    /// The value bands' limits in minor units of `currency`: ``valueLimits`` units of the table's
    /// base currency converted with `rates` (half-even); nil when the table lacks `currency` or
    /// its base.
    public static func valueLimits(in currency: String, rates: PublishedRates) -> [Int64]? {
        guard let base = rates.entries[rates.base], let target = rates.entries[currency] else { return nil }
        var scale: Int64 = 1
        for _ in 0..<base.minorDigits { scale *= 10 }
        var limits: [Int64] = []
        for limit in valueLimits {
            guard let converted = PublishedRates.convert(limit * scale, from: base, to: target) else { return nil }
            limits.append(converted)
        }
        return limits
    }

    /// The age band of an account created at `created`, at `at`: "<30d", "30d-1y", "1y-3y", "3y+".
    public static func ageBand(createdAt created: Date?, at: Date) -> String {
        guard let created else { return "unknown" }
        let days = at.timeIntervalSince(created) / 86_400
        switch days {
        case ..<30: return "<30d"
        case 30..<365: return "30d-1y"
        case 365..<1_095: return "1y-3y"
        default: return "3y+"
        }
    }
}
