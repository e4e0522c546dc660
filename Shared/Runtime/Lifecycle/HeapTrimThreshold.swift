import CMalloc

/// How much free memory glibc's allocator keeps at the top of a heap before it hands it back to
/// the kernel. Its default (128 KiB, adjusted as large blocks come and go) made a service under
/// load give memory back after nearly every batch of calls and take it again in the next
/// (`madvise` about once per three socket reads of orders under 64 streams of GetOrder, then a
/// page fault and a zeroed page per 4 KiB retaken: some 8% of its CPU in `perf`). Keeping up to
/// ``bytes`` costs nothing at the peak (the memory was in use there anyway) and made the CPU per
/// GetOrder steadier and lower (36-39 against 33-47 us per call, medians 37 and 44:
/// `Benchmarks/service-profile.md`, nineteenth pass). ``ServiceProcess`` sets it at start.
/// Setting it also fixes glibc's mmap threshold at 128 KiB (otherwise raised as large blocks are
/// freed), so each block of that size or more is mapped and unmapped anew: an outside review
/// measured no loss on GetOrder responses of 269 KB and 1 MB (fewer page faults on the larger).
public enum HeapTrimThreshold {
    /// The threshold the services set: 4 MiB.
    public static let bytes: Int32 = 4 << 20

    /// What ``apply(environment:)`` did.
    public enum Outcome: Equatable, Sendable {
        /// The threshold is now ``bytes``.
        case applied
        /// The environment sets glibc's own tunable (`GLIBC_TUNABLES=glibc.malloc.trim_threshold=...`),
        /// which is left in force: an operator's choice wins.
        case leftToEnvironment
        /// glibc refused the setting.
        case refused
    }

    /// Sets the threshold to ``bytes`` unless `environment` sets glibc's tunable for it.
    @discardableResult
    public static func apply(environment: [String: String]) -> Outcome {
        if environment["GLIBC_TUNABLES"]?.contains("glibc.malloc.trim_threshold") == true {
            return .leftToEnvironment
        }
        return mallopt(M_TRIM_THRESHOLD, bytes) == 1 ? .applied : .refused
    }
}
