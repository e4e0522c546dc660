extension Duration {
    /// The duration in whole nanoseconds, saturated at `Int64`'s bounds (about 292 years) instead
    /// of overflowing.
    var saturatingNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (wholeSeconds, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (total, sumOverflow) = wholeSeconds.addingReportingOverflow(attoseconds / 1_000_000_000)
        if sumOverflow { return seconds < 0 ? .min : .max }
        return total
    }
}
