import Glibc

/// The process's limit on open file descriptors (RLIMIT_NOFILE). Every connection holds one, so
/// the connection limit has to stay below it, with room for the database, the listeners and the
/// connections to peers.
public enum FileDescriptorLimit {
    /// Descriptors kept free for everything that is not an incoming connection.
    public static let reserved = 64

    /// Raises the soft limit towards `target` (never above the hard limit, never lowering it) and
    /// returns the soft limit in force afterwards.
    @discardableResult
    public static func raise(to target: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1_024 }
        let wanted = rlim_t(clamping: max(0, target))
        if limit.rlim_cur < wanted {
            var raised = limit
            raised.rlim_cur = min(wanted, limit.rlim_max)
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// The most incoming connections that fit under `softLimit` with ``reserved`` descriptors to
    /// spare, and no more than `wanted`.
    public static func connections(wanted: Int, softLimit: Int) -> Int {
        max(1, min(wanted, softLimit - reserved))
    }
}
