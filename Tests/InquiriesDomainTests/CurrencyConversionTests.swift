import Foundation
import InquiriesDomain
import SupportPolicy
import Testing

/// Conversion with the official table: exact arithmetic, one rounding, half to even, at the
/// target's minor unit, for currencies with 0, 2 and 3 minor digits.
@Suite struct CurrencyConversionTests {
    /// Base EUR; 1 EUR = 1.08 USD = 160 JPY = 0.4 KWD = 0.4125 BHD.
    static let table = RateTable(
        version: 3, base: "EUR",
        entries: [
            "EUR": .init(minorDigits: 2, rate: ExchangeRate(billionths: 1_000_000_000)),
            "USD": .init(minorDigits: 2, rate: ExchangeRate(billionths: 1_080_000_000)),
            "JPY": .init(minorDigits: 0, rate: ExchangeRate(billionths: 160_000_000_000)),
            "KWD": .init(minorDigits: 3, rate: ExchangeRate(billionths: 400_000_000)),
            "BHD": .init(minorDigits: 3, rate: ExchangeRate(billionths: 412_500_000)),
        ], publishedAt: Date(timeIntervalSince1970: 0))

    static func convert(_ minor: Int64, _ from: String, to target: String) throws -> Int64 {
        try CurrencyConversion.convert(Money(minorUnits: minor, currency: from), to: target, with: table).converted
            .minorUnits
    }

    @Test(arguments: [
        // To 0 digits: 0.03125 EUR... 1 cent = 1.6 JPY -> 2; 0.5 JPY ties go to even.
        (Int64(1), "EUR", "JPY", Int64(2)),  // 1.6 -> 2
        (Int64(25), "EUR", "JPY", Int64(40)),  // exactly 40
        (Int64(3125), "EUR", "JPY", Int64(5_000)),
        (Int64(1), "JPY", "EUR", Int64(1)),  // 0.625 cent -> 1
        (Int64(8), "JPY", "EUR", Int64(5)),  // exactly 5
        (Int64(4), "JPY", "EUR", Int64(2)),  // 2.5 cents -> 2 (even)
        (Int64(12), "JPY", "EUR", Int64(8)),  // 7.5 cents -> 8 (even)
        // To 3 digits: 1 cent EUR = 4 fils KWD exactly; 1 fils KWD = 0.25 cent -> 0.
        (Int64(1), "EUR", "KWD", Int64(4)),
        (Int64(1), "KWD", "EUR", Int64(0)),  // 0.25 -> 0
        (Int64(2), "KWD", "EUR", Int64(0)),  // 0.5 -> 0 (even)
        (Int64(6), "KWD", "EUR", Int64(2)),  // 1.5 -> 2 (even)
        (Int64(10), "KWD", "EUR", Int64(2)),  // 2.5 -> 2 (even)
        (Int64(1), "EUR", "BHD", Int64(4)),  // 4.125 -> 4
        (Int64(2), "EUR", "BHD", Int64(8)),  // 8.25 -> 8
        (Int64(4), "EUR", "BHD", Int64(16)),  // 16.5 -> 16 (even)
        (Int64(12), "EUR", "BHD", Int64(50)),  // 49.5 -> 50 (even)
        // Between two 2-digit currencies through the base.
        (Int64(10_000), "USD", "EUR", Int64(9_259)),  // 9259.259...
        (Int64(-10_000), "USD", "EUR", Int64(-9_259)),
        (Int64(0), "USD", "JPY", Int64(0)),
    ])
    func roundingAtTheEdges(_ amount: Int64, _ from: String, _ to: String, _ expected: Int64) throws {
        #expect(try Self.convert(amount, from, to: to) == expected, "\(amount) \(from) -> \(to)")
    }

    @Test func theConversionStatesItsRateTableAndRule() throws {
        let result = try CurrencyConversion.convert(
            Money(minorUnits: 10_000, currency: "EUR"), to: "USD", with: Self.table)
        #expect(result.converted == Money(minorUnits: 10_800, currency: "USD"))
        #expect(result.rate == "1.08")
        #expect(result.tableVersion == 3)
        #expect(result.rule.id == "FX-RATE-TABLE-3")
        #expect(RateTable.roundingRule == "half-even to the target currency's minor unit")
        let cross = try CurrencyConversion.convert(Money(minorUnits: 100, currency: "USD"), to: "JPY", with: Self.table)
        #expect(cross.rate == "148.148148148")
    }

    @Test func ratesAreExactDecimalsOrRefused() {
        #expect(ExchangeRate(decimal: "1.0845")?.billionths == 1_084_500_000)
        #expect(ExchangeRate(decimal: "0.000000001")?.billionths == 1)
        #expect(ExchangeRate(decimal: "1.0845")?.decimal == "1.0845")
        for bad in ["", "0", "-1", "1.", ".5", "1.0000000001", "abc", "1e3", "1,5", "1234567890"] {
            #expect(ExchangeRate(decimal: bad) == nil, "\(bad) was accepted")
        }
    }

    @Test func tablesMustBeCompleteAndCorrect() {
        var table = Self.table
        table.entries["JPY"]?.minorDigits = 2
        #expect(throws: InquiriesError.self) { try table.validate() }
        var noBase = Self.table
        noBase.entries["EUR"] = nil
        #expect(throws: InquiriesError.self) { try noBase.validate() }
        #expect(throws: InquiriesError.self) {
            _ = try CurrencyConversion.convert(Money(minorUnits: 1, currency: "GBP"), to: "EUR", with: Self.table)
        }
    }
}
