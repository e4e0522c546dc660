import SupportPolicy

/// A conversion with the official table: computed exactly as a fraction of integers, then rounded
/// once, half to even, to the target currency's minor unit.
public struct CurrencyConversion: Sendable, Hashable {
    /// The amount given.
    public var source: Money
    /// The result.
    public var converted: Money
    /// Target units per source unit, to 9 decimals (exact when either side is the base currency).
    public var rate: String
    /// The table used.
    public var tableVersion: Int64
    /// The rule cited.
    public var rule: PolicyRule

    /// Converts `amount` into `target` with `table`.
    public static func convert(_ amount: Money, to target: String, with table: RateTable) throws(InquiriesError)
        -> CurrencyConversion
    {
        guard let from = table.entries[amount.currency] else {
            throw .notAllowed("rate table \(table.version) has no rate for \(amount.currency)")
        }
        guard let to = table.entries[target] else {
            throw .notAllowed("rate table \(table.version) has no rate for \(target)")
        }
        guard amount.minorUnits.magnitude <= 1_000_000_000_000_000 else {
            throw .invalid("amount is too large to convert")
        }
        // target minor = amount minor × rateTo × 10^digitsTo / (rateFrom × 10^digitsFrom); a rate
        // table may hold rates up to 10^9, so the product can pass even Int128: checked.
        let (scaledRate, rateOverflow) = Int128(to.rate.billionths).multipliedReportingOverflow(
            by: Int128(power10(to.minorDigits)))
        let (numerator, amountOverflow) = Int128(amount.minorUnits).multipliedReportingOverflow(by: scaledRate)
        guard !rateOverflow, !amountOverflow else { throw .invalid("amount is too large to convert") }
        let denominator = Int128(from.rate.billionths) * Int128(power10(from.minorDigits))
        let result = roundHalfEven(numerator, denominator)
        guard let minor = Int64(exactly: result) else { throw .invalid("the converted amount does not fit") }
        let cross = roundHalfEven(Int128(to.rate.billionths) * 1_000_000_000, Int128(from.rate.billionths))
        return CurrencyConversion(
            source: amount, converted: Money(minorUnits: minor, currency: target),
            rate: ExchangeRate.decimalString(billionths: cross), tableVersion: table.version, rule: table.rule)
    }

    /// n / d rounded to the nearest integer, ties to the even one (d > 0).
    public static func roundHalfEven(_ n: Int128, _ d: Int128) -> Int128 {
        var quotient = n / d
        let remainder = n % d
        let twice = remainder.magnitude * 2
        if twice > d.magnitude || (twice == d.magnitude && quotient % 2 != 0) {
            quotient += n < 0 ? -1 : 1
        }
        return quotient
    }

    private static func power10(_ exponent: Int) -> Int64 {
        var value: Int64 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }
}

extension ExchangeRate {
    /// A count of billionths as a decimal string.
    static func decimalString(billionths: Int128) -> String {
        let whole = billionths / 1_000_000_000
        var fraction = String(billionths % 1_000_000_000)
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? "\(whole)" : "\(whole).\(fraction)"
    }
}
