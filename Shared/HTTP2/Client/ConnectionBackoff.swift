/// gRPC's connection backoff: 1 s, then x1.6 per failure up to 120 s, each delay jittered by
/// +/-20 % so that clients do not reconnect in step.
struct ConnectionBackoff {
    var initial: Duration = .seconds(1)
    var multiplier = 1.6
    var maximum: Duration = .seconds(120)
    var jitter = 0.2
    private(set) var failures = 0

    /// The delay before the next attempt after one more failure.
    mutating func nextDelay<Random: RandomNumberGenerator>(using random: inout Random) -> Duration {
        var delay = initial
        for _ in 0..<failures {
            delay = min(maximum, delay * multiplier)
        }
        failures += 1
        let spread = Double.random(in: -jitter...jitter, using: &random)
        return delay * (1 + spread)
    }

    /// The delay before the next attempt, with the system's randomness.
    mutating func nextDelay() -> Duration {
        var random = SystemRandomNumberGenerator()
        return nextDelay(using: &random)
    }

    /// Forgets failures after a successful connection.
    mutating func reset() {
        failures = 0
    }
}
