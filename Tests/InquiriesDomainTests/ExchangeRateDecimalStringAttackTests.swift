import SupportPolicy
import Testing

@testable import InquiriesDomain

/// The digit-by-digit writer against exact decimal arithmetic (quotient and remainder of the
/// magnitude by 10^9, written by the standard library) over many values and the extremes.
@Suite struct ExchangeRateDecimalStringAttackTests {
    /// Exact: sign, whole part, then the 9-digit fraction without trailing zeros.
    static func reference(_ billionths: Int128) -> String {
        let magnitude = billionths.magnitude
        let whole = magnitude / 1_000_000_000
        var fraction = String(magnitude % 1_000_000_000)
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        let sign = billionths < 0 ? "-" : ""
        return fraction.isEmpty ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    @Test func extremesAndBoundaries() {
        var values: [Int128] = [
            .min, .min + 1, .max, .max - 1, 0, 1, -1, 9, 10, 999_999_999, 1_000_000_000,
            1_000_000_001, -999_999_999, -1_000_000_000, -1_000_000_001, Int128(Int64.max), Int128(Int64.min),
        ]
        var power: Int128 = 1
        for _ in 0..<38 {
            values += [power, power - 1, power + 1, -power, -(power - 1), -(power + 1)]
            power *= 10
        }
        for value in values {
            #expect(ExchangeRate.decimalString(billionths: value) == Self.reference(value), "\(value)")
        }
    }

    @Test func manyRandomValuesOfEveryWidth() {
        var generator = SystemRandomNumberGenerator()
        var mismatches = 0
        for _ in 0..<200_000 {
            let bits = Int.random(in: 0...127, using: &generator)
            var raw = Int128(truncatingIfNeeded: UInt128(generator.next()) << 64 | UInt128(generator.next()))
            if bits < 127 { raw = raw & ((Int128(1) << bits) - 1) }
            let value = Bool.random(using: &generator) ? raw : (raw == .min ? raw : -raw)
            if ExchangeRate.decimalString(billionths: value) != Self.reference(value) {
                mismatches += 1
                if mismatches < 5 {
                    Issue.record(
                        "\(value): \(ExchangeRate.decimalString(billionths: value)) vs \(Self.reference(value))")
                }
            }
        }
        #expect(mismatches == 0)
    }
}
