/// The `grpc-timeout` header: at most eight ASCII digits followed by a unit (H, M, S, m, u, n).
package enum GRPCTimeout {
    /// The duration a header value states, or `nil` if it is malformed. Eight digits of hours
    /// (about 11,400 years) still fit a `Duration`; the server caps it at its configured maximum
    /// deadline (``ServerConfiguration/maximumDeadline``).
    package static func parse(_ value: String) -> Duration? {
        let utf8 = Array(value.utf8)
        guard utf8.count >= 2, utf8.count <= 9, let unit = utf8.last else { return nil }
        var amount: Int64 = 0
        for digit in utf8.dropLast() {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            // At most eight digits: below 10^8, so neither step can overflow.
            amount = amount * 10 + Int64(digit - UInt8(ascii: "0"))
        }
        switch unit {
        case UInt8(ascii: "H"): return .seconds(amount) * 3_600
        case UInt8(ascii: "M"): return .seconds(amount) * 60
        case UInt8(ascii: "S"): return .seconds(amount)
        case UInt8(ascii: "m"): return .milliseconds(amount)
        case UInt8(ascii: "u"): return .microseconds(amount)
        case UInt8(ascii: "n"): return .nanoseconds(amount)
        default: return nil
        }
    }

    /// The header value for `duration`, in the finest unit that fits in eight digits (rounded up,
    /// so the server never sees a shorter deadline than the client's).
    package static func format(_ duration: Duration) -> String {
        // Past about 285 years the nanoseconds would saturate into a shorter header than the
        // longest there is: those are all the longest.
        guard duration.components.seconds < 9_000_000_000 else { return "99999999H" }
        let nanoseconds = max(0, duration.saturatingNanoseconds)
        let units: [(divisor: Int64, suffix: String)] = [
            (1, "n"), (1_000, "u"), (1_000_000, "m"), (1_000_000_000, "S"), (60_000_000_000, "M"),
            (3_600_000_000_000, "H"),
        ]
        for unit in units {
            let amount = nanoseconds / unit.divisor + (nanoseconds % unit.divisor == 0 ? 0 : 1)
            if amount < 100_000_000 { return "\(amount)\(unit.suffix)" }
        }
        return "99999999H"
    }
}
