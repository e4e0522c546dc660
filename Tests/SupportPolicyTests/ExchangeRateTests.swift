import SupportPolicy
import Testing

/// Rates are exact decimals kept as billionths; anything that is not a plain positive decimal
/// with at most nine digits on each side is refused.
@Suite struct ExchangeRateTests {
    @Test func readsPlainDecimals() {
        #expect(ExchangeRate(decimal: "1.0845")?.billionths == 1_084_500_000)
        #expect(ExchangeRate(decimal: "162")?.billionths == 162_000_000_000)
        #expect(ExchangeRate(decimal: "0.000000001")?.billionths == 1)
        #expect(ExchangeRate(decimal: "123456789.123456789")?.billionths == 123_456_789_123_456_789)
    }

    @Test(arguments: [
        "", "0", "0.0", "-1", "+1", "1.", ".5", "1.2.3", "1e3", " 1", "1,5", "1234567890", "1.1234567891",
        "\u{FF11}", "\u{0661}",
    ])
    func refuses(_ text: String) {
        #expect(ExchangeRate(decimal: text) == nil)
    }

    @Test func writesTheShortestDecimal() {
        #expect(ExchangeRate(billionths: 1_000_000_000).decimal == "1")
        #expect(ExchangeRate(billionths: 1_500_000_000).decimal == "1.5")
        #expect(ExchangeRate(billionths: 1).decimal == "0.000000001")
        #expect(ExchangeRate(decimal: "7.25")?.decimal == "7.25")
    }
}
