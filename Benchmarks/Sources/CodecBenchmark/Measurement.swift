/// Times an operation: several rounds of a fixed number of iterations; the median round's time
/// per iteration is the result, which keeps a noisy machine's outliers out.
struct Measurement {
    static let rounds = 15

    /// Nanoseconds per operation for each round, in round order.
    var samples: [Double] = []

    /// The median of the samples.
    var median: Double {
        let sorted = samples.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    /// Runs `operation` `iterations` times and records the time per call.
    mutating func record(iterations: Int, _ operation: () throws -> Int) rethrows {
        var sink = 0
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for _ in 0..<iterations { sink &+= try operation() }
        }
        blackHole(sink)
        let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        samples.append(nanoseconds / Double(iterations))
    }
}

/// Keeps the optimizer from deleting work whose result is otherwise unused.
@inline(never)
func blackHole(_ value: Int) {
    if value == Int.min { print("") }
}
