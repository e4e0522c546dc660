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
        guard
            let minor = PublishedRates.convert(
                amount.minorUnits, from: .init(rate: from.rate, minorDigits: from.minorDigits),
                to: .init(rate: to.rate, minorDigits: to.minorDigits))
        else { throw .invalid("the converted amount does not fit") }
        let cross = PublishedRates.roundHalfEven(
            Int128(to.rate.billionths) * 1_000_000_000, Int128(from.rate.billionths))
        return CurrencyConversion(
            source: amount, converted: Money(minorUnits: minor, currency: target),
            rate: ExchangeRate.decimalString(billionths: cross), tableVersion: table.version, rule: table.rule)
    }
}

extension ExchangeRate {
    /// A count of billionths as a decimal string, without trailing zeros in the fraction
    /// ("1.08", "160", "0.000123456"). Written digit by digit: `String(Int128)` and padding the
    /// fraction with string operations were a sixth of a `ConvertCurrency`'s own work under load.
    static func decimalString(billionths: Int128) -> String {
        var digits: [UInt8] = []
        digits.reserveCapacity(48)
        var magnitude = billionths.magnitude
        var position = 0
        // Least significant digit first; the fraction's trailing zeros are skipped.
        var fractionStarted = false
        while position < 9 || magnitude > 0 {
            let digit = UInt8(magnitude % 10)
            magnitude /= 10
            if position < 9 {
                if digit != 0 || fractionStarted {
                    fractionStarted = true
                    digits.append(UInt8(ascii: "0") + digit)
                }
                if position == 8 && fractionStarted { digits.append(UInt8(ascii: ".")) }
            } else {
                digits.append(UInt8(ascii: "0") + digit)
            }
            position += 1
        }
        if position == 9 { digits.append(UInt8(ascii: "0")) }  // no whole digits: "0"
        if billionths < 0 { digits.append(UInt8(ascii: "-")) }
        return String(decoding: digits.reversed(), as: UTF8.self)
    }
}
