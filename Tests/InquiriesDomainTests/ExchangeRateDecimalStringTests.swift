import SupportPolicy
import Testing

@testable import InquiriesDomain

/// How a rate in billionths is written: digits as given, no trailing zeros in the fraction.
@Suite struct ExchangeRateDecimalStringTests {
    @Test(arguments: [
        (Int128(0), "0"), (1, "0.000000001"), (123_456, "0.000123456"), (400_000_000, "0.4"),
        (1_000_000_000, "1"), (1_080_000_000, "1.08"), (160_000_000_000, "160"),
        (148_148_148_148, "148.148148148"), (10_000_000_000, "10"), (-1_500_000_000, "-1.5"),
        (Int128(Int64.max) * 1_000, "9223372036854.775807"),
    ])
    func billionthsAreWrittenAsADecimal(billionths: Int128, expected: String) {
        #expect(ExchangeRate.decimalString(billionths: billionths) == expected)
    }
}
