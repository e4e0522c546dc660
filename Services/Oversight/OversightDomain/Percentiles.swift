/// Percentiles of durations by the nearest-rank method (the smallest value with at least p% of
/// the values at or below it), so every reported figure is a duration that actually occurred.
public struct Percentiles: Sendable, Hashable {
    /// How many durations.
    public var count: Int
    /// The 50th, 90th and 99th percentiles, in seconds; zero when there are none.
    public var p50: Double
    /// 90th.
    public var p90: Double
    /// 99th.
    public var p99: Double

    /// The percentiles of `values` (seconds), which need not be sorted.
    public init(_ values: [Double]) {
        let sorted = values.sorted()
        count = sorted.count
        func rank(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let index = Int((p * Double(sorted.count)).rounded(.up)) - 1
            return sorted[max(0, min(sorted.count - 1, index))]
        }
        p50 = rank(0.50)
        p90 = rank(0.90)
        p99 = rank(0.99)
    }
}
