/// Reproducible random audit samples: the same seed over the same records always picks the same
/// records. SplitMix64 (a fixed, documented generator) drives a partial Fisher-Yates shuffle, so
/// the sample does not depend on the platform's random number generator.
public enum AuditSampler {
    /// SplitMix64: 64-bit state, one multiply-xorshift mix per number.
    public struct SplitMix64: RandomNumberGenerator, Sendable {
        private var state: UInt64

        /// A generator seeded with `seed`.
        public init(seed: UInt64) {
            state = seed
        }

        /// The next number.
        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        /// A number in 0..<bound without modulo bias (Lemire's method would do; rejection is simpler).
        public mutating func next(below bound: UInt64) -> UInt64 {
            let limit = UInt64.max - UInt64.max % bound
            while true {
                let value = next()
                if value < limit { return value % bound }
            }
        }
    }

    /// `size` of `candidates` (record sequence numbers, in log order), chosen with `seed`, returned
    /// in log order.
    public static func sample(_ candidates: [Int64], size: Int, seed: UInt64) -> [Int64] {
        var pool = candidates
        var generator = SplitMix64(seed: seed)
        let count = min(size, pool.count)
        for index in 0..<count {
            let pick = index + Int(generator.next(below: UInt64(pool.count - index)))
            pool.swapAt(index, pick)
        }
        return pool.prefix(count).sorted()
    }
}
