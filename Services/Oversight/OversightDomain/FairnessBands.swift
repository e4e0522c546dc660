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
