import Foundation
import SupportPolicy

/// One version of the official rate table: every currency's rate against the base currency and
/// its minor-unit digits.
public struct RateTable: Sendable, Hashable {
    /// One currency's entry.
    public struct Entry: Sendable, Hashable {
        /// Minor-unit digits (0 for JPY, 2 for EUR, 3 for KWD).
        public var minorDigits: Int
        /// Units per one unit of the base currency.
        public var rate: ExchangeRate

        /// An entry.
        public init(minorDigits: Int, rate: ExchangeRate) {
            self.minorDigits = minorDigits
            self.rate = rate
        }
    }

    /// The table's version, from 1.
    public var version: Int64
    /// The base currency (its own rate is 1).
    public var base: String
    /// Entries by ISO 4217 code.
    public var entries: [String: Entry]
    /// When it was published.
    public var publishedAt: Date

    /// A table.
    public init(version: Int64, base: String, entries: [String: Entry], publishedAt: Date) {
        self.version = version
        self.base = base
        self.entries = entries
        self.publishedAt = publishedAt
    }

    /// The one rounding rule, stated as every conversion reports it.
    public static let roundingRule = "half-even to the target currency's minor unit"

    /// The rule cited by conversions made with this table.
    public var rule: PolicyRule {
        PolicyRule(
            id: "FX-RATE-TABLE-\(version)",
            text: "Amounts are converted with official rate table version \(version) (base \(base)), computed exactly "
                + "and rounded \(Self.roundingRule).")
    }

    /// Checks a table before it is published: a known base at rate 1, known codes, digits that
    /// match ISO 4217.
    public func validate() throws(InquiriesError) {
        guard Currency.isValid(base) else {
            throw .invalid("base_currency '\(base)' is not an ISO 4217 code the platform accepts")
        }
        guard let baseEntry = entries[base], baseEntry.rate.billionths == 1_000_000_000 else {
            throw .invalid("the table must list the base currency \(base) at rate 1")
        }
        for (code, entry) in entries {
            guard let digits = Currency.minorDigits(of: code) else {
                throw .invalid("'\(code)' is not an ISO 4217 code the platform accepts")
            }
            guard entry.minorDigits == digits else {
                throw .invalid("\(code) has \(digits) minor digits, not \(entry.minorDigits)")
            }
        }
    }
}
