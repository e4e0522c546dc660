/// A rate as the official table states it: units of a currency per one unit of the base
/// currency, an exact decimal with at most 9 fractional digits, kept as an integer count of
/// billionths so that no floating point is ever involved.
public struct ExchangeRate: Sendable, Hashable, Codable {
    /// The rate times 10^9.
    public var billionths: Int64

    /// A rate of `billionths` / 10^9.
    public init(billionths: Int64) {
        self.billionths = billionths
    }

    /// The rate written as a decimal string such as "1.0845"; nil unless it is a positive decimal
    /// with at most 9 fractional digits and at most 9 integer digits.
    public init?(decimal text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty, whole.count <= 9,
            whole.allSatisfy(\.isASCII), whole.allSatisfy(\.isNumber)
        else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.count <= 9, fraction.allSatisfy({ $0.isASCII && $0.isNumber }),
            parts.count == 1 || !fraction.isEmpty
        else { return nil }
        let padded = fraction + String(repeating: "0", count: 9 - fraction.count)
        guard let integer = Int64(whole), let fractional = Int64(padded) else { return nil }
        billionths = integer * 1_000_000_000 + fractional
        guard billionths > 0 else { return nil }
    }

    /// The rate as its shortest decimal string.
    public var decimal: String {
        let whole = billionths / 1_000_000_000
        var fraction = String(billionths % 1_000_000_000)
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? "\(whole)" : "\(whole).\(fraction)"
    }
}
