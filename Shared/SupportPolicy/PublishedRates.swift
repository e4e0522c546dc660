/// The official rate table's numbers as published (by Inquiries, `GetRateTable`), for converting
/// amounts anywhere in the platform with the one rule: computed exactly as a fraction of integers,
/// then rounded once, half to even, to the target currency's minor unit.
public struct PublishedRates: Sendable, Hashable {
    /// One currency's entry.
    public struct Entry: Sendable, Hashable {
        /// Units per one unit of the base currency.
        public var rate: ExchangeRate
        /// Minor-unit digits.
        public var minorDigits: Int

        /// An entry.
        public init(rate: ExchangeRate, minorDigits: Int) {
            self.rate = rate
            self.minorDigits = minorDigits
        }
    }

    /// The table's version.
    public var version: Int64
    /// The base currency.
    public var base: String
    /// Entries by ISO 4217 code.
    public var entries: [String: Entry]

    /// A table.
    public init(version: Int64, base: String, entries: [String: Entry]) {
        self.version = version
        self.base = base
        self.entries = entries
    }

    /// `amount` in `target`; nil when the table lacks either currency or the result does not fit.
    public func convert(_ amount: Money, to target: String) -> Money? {
        guard let from = entries[amount.currency], let to = entries[target],
            let minor = Self.convert(amount.minorUnits, from: from, to: to)
        else { return nil }
        return Money(minorUnits: minor, currency: target)
    }

    /// `minorUnits` of the currency of `from` in the currency of `to`:
    /// minor x rateTo x 10^digitsTo / (rateFrom x 10^digitsFrom), rounded half-even; nil when the
    /// amount is beyond 10^18 in magnitude or the result does not fit.
    public static func convert(_ minorUnits: Int64, from: Entry, to: Entry) -> Int64? {
        guard minorUnits.magnitude <= 1_000_000_000_000_000, from.rate.billionths > 0, to.rate.billionths > 0,
            (0...4).contains(from.minorDigits), (0...4).contains(to.minorDigits)
        else { return nil }
        // |minor| <= 10^18, a rate < 2^63 and 10^4 can pass Int128 together (10^18 x 10^18 x 10^4):
        // such a result does not fit an Int64 anyway, so it is nil rather than a trap.
        let (numerator, overflow) = (Int128(minorUnits) * Int128(to.rate.billionths))
            .multipliedReportingOverflow(by: power10(to.minorDigits))
        guard !overflow else { return nil }
        let denominator = Int128(from.rate.billionths) * power10(from.minorDigits)
        return Int64(exactly: roundHalfEven(numerator, denominator))
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

    private static func power10(_ exponent: Int) -> Int128 {
        var value: Int128 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }
}
