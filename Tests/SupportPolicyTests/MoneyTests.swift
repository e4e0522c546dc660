import SupportPolicy
import Testing

/// Money: sums that refuse a mixed currency or an overflow, and the text people read, with each
/// currency's own number of minor-unit digits.
@Suite struct MoneyTests {
    @Test func describesAmountsWithTheCurrencysMinorDigits() {
        #expect(Money(minorUnits: 1_234, currency: "EUR").description == "12.34 EUR")
        #expect(Money(minorUnits: 5, currency: "EUR").description == "0.05 EUR")
        #expect(Money(minorUnits: -5, currency: "EUR").description == "-0.05 EUR")
        #expect(Money(minorUnits: 1_500, currency: "JPY").description == "1500 JPY")
        #expect(Money(minorUnits: 1_250, currency: "BHD").description == "1.250 BHD")
        // An unknown code is shown with two digits rather than refused: the text is for people.
        #expect(Money(minorUnits: 7, currency: "XXX").description == "0.07 XXX")
    }

    @Test func describesTheExtremesWithoutOverflow() {
        #expect(Money(minorUnits: .min, currency: "EUR").description == "-92233720368547758.08 EUR")
        #expect(Money(minorUnits: .max, currency: "KWD").description == "9223372036854775.807 KWD")
    }

    @Test func sumsAmountsOfOneCurrency() {
        let amounts = [Money(minorUnits: 250, currency: "EUR"), Money(minorUnits: -50, currency: "EUR")]
        #expect(Money.sum(amounts, currency: "EUR") == Money(minorUnits: 200, currency: "EUR"))
        #expect(Money.sum([], currency: "JPY") == .zero("JPY"))
    }

    @Test func refusesAMixedCurrencyOrAnOverflowingSum() {
        let mixed = [Money(minorUnits: 1, currency: "EUR"), Money(minorUnits: 1, currency: "USD")]
        #expect(Money.sum(mixed, currency: "EUR") == nil)
        #expect(Money.sum([Money(minorUnits: 1, currency: "EUR")], currency: "USD") == nil)
        let huge = [Money(minorUnits: .max, currency: "EUR"), Money(minorUnits: 1, currency: "EUR")]
        #expect(Money.sum(huge, currency: "EUR") == nil)
        let low = [Money(minorUnits: .min, currency: "EUR"), Money(minorUnits: -1, currency: "EUR")]
        #expect(Money.sum(low, currency: "EUR") == nil)
    }

    @Test func knowsOnlyListedUpperCaseCurrencyCodes() {
        #expect(Currency.isValid("EUR"))
        #expect(!Currency.isValid("eur"))
        #expect(!Currency.isValid("XXX"))
        #expect(!Currency.isValid(""))
        #expect(Currency.minorDigits(of: "JPY") == 0)
        #expect(Currency.minorDigits(of: "BHD") == 3)
        #expect(Currency.minorDigits(of: "USD") == 2)
        #expect(Currency.minorDigits(of: "ZZZ") == nil)
    }
}
