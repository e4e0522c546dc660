import Synchronization

/// Request bytes buffered by all connections of one server, against a limit
/// (``ConnectionLimits/maximumBufferedBytes``). Connections on different event loops reserve
/// and release through one atomic counter. A second one counts the server's unsent response
/// bytes (``ConnectionLimits/maximumResponseBytes``).
final class RequestBufferBudget: Sendable {
    /// The most bytes that may be reserved at once.
    let limit: Int
    private let reserved = Atomic<Int>(0)

    /// A budget of `limit` bytes.
    init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// Bytes reserved now.
    var inUse: Int { reserved.load(ordering: .relaxed) }

    /// Reserves `count` bytes if they fit under the limit; returns whether they did.
    func reserve(_ count: Int) -> Bool {
        guard count > 0 else { return true }
        guard count <= limit else { return false }
        var current = reserved.load(ordering: .relaxed)
        while true {
            guard current <= limit - count else { return false }
            let (exchanged, original) = reserved.compareExchange(
                expected: current, desired: current + count, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    /// Returns `count` bytes reserved earlier.
    func release(_ count: Int) {
        guard count > 0 else { return }
        reserved.subtract(count, ordering: .relaxed)
    }
}
