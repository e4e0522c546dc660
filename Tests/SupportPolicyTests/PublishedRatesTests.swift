import SupportPolicy
import Testing

/// Conversion with the official table: exact integer arithmetic, one half-even rounding to the
/// target's minor unit, nil (never a trap) when a currency is missing or the result does not fit.
@Suite struct PublishedRatesTests {
    static func entry(_ rate: String, _ digits: Int) -> PublishedRates.Entry {
        PublishedRates.Entry(rate: ExchangeRate(decimal: rate) ?? ExchangeRate(billionths: 1), minorDigits: digits)
    }

    static let table = PublishedRates(
        version: 3, base: "EUR",
        entries: ["EUR": entry("1", 2), "JPY": entry("162.5", 0), "BHD": entry("0.41", 3), "USD": entry("1.08", 2)])

    @Test func convertsBetweenCurrenciesOfDifferentMinorDigits() {
        // 49.99 EUR x 162.5 = 8123.375 JPY: 8123.
        #expect(
            Self.table.convert(Money(minorUnits: 4_999, currency: "EUR"), to: "JPY")
                == Money(minorUnits: 8_123, currency: "JPY"))
        // 1000 JPY / 162.5 = 6.153846... EUR: 6.15.
        #expect(
            Self.table.convert(Money(minorUnits: 1_000, currency: "JPY"), to: "EUR")
                == Money(minorUnits: 615, currency: "EUR"))
        // 10.00 EUR x 0.41 = 4.100 BHD.
        #expect(
            Self.table.convert(Money(minorUnits: 1_000, currency: "EUR"), to: "BHD")
                == Money(minorUnits: 4_100, currency: "BHD"))
        #expect(
            Self.table.convert(Money(minorUnits: -1_000, currency: "EUR"), to: "USD")
                == Money(minorUnits: -1_080, currency: "USD"))
    }

    @Test func roundsHalfToEven() {
        #expect(PublishedRates.roundHalfEven(5, 2) == 2)
        #expect(PublishedRates.roundHalfEven(7, 2) == 4)
        #expect(PublishedRates.roundHalfEven(-5, 2) == -2)
        #expect(PublishedRates.roundHalfEven(-7, 2) == -4)
        #expect(PublishedRates.roundHalfEven(2, 3) == 1)
        #expect(PublishedRates.roundHalfEven(-2, 3) == -1)
        #expect(PublishedRates.roundHalfEven(1, 3) == 0)
        // 0.01 EUR at 150 and 250 JPY: 1.5 and 2.5 both go to 2.
        let eur = Self.entry("1", 2)
        #expect(PublishedRates.convert(1, from: eur, to: Self.entry("150", 0)) == 2)
        #expect(PublishedRates.convert(1, from: eur, to: Self.entry("250", 0)) == 2)
    }

    @Test func refusesWhatItCannotConvert() {
        #expect(Self.table.convert(Money(minorUnits: 100, currency: "GBP"), to: "EUR") == nil)
        #expect(Self.table.convert(Money(minorUnits: 100, currency: "EUR"), to: "GBP") == nil)
        let eur = Self.entry("1", 2)
        #expect(PublishedRates.convert(1_000_000_000_000_000_001, from: eur, to: eur) == nil)
        #expect(PublishedRates.convert(.min, from: eur, to: eur) == nil)
        #expect(PublishedRates.convert(1, from: eur, to: Self.entry("1", 5)) == nil)
        #expect(
            PublishedRates.convert(
                1, from: PublishedRates.Entry(rate: ExchangeRate(billionths: 0), minorDigits: 2), to: eur) == nil)
        // 10^18 minor units at the largest rate into four digits does not fit an Int64.
        #expect(PublishedRates.convert(1_000_000_000_000_000_000, from: eur, to: Self.entry("999999999", 4)) == nil)
    }
}
