import Synchronization

/// The keys a command's transaction changed, noted on the writer's thread as it runs (each
/// ``ReadCache/hold(_:)``-ed at once by `whenFirstNoted`) and read there once it is committed, to
/// invalidate them in a ``ReadCache`` (``ServiceDatabase/transaction(syncing:committed:_:)``).
public final class ChangedKeys<Key: Hashable & Sendable>: Sendable {
    private let keys = Mutex<Set<Key>>([])
    private let whenFirstNoted: @Sendable (Key) -> Void

    /// No keys yet; `whenFirstNoted` runs for each key the first time it is noted.
    public init(whenFirstNoted: @escaping @Sendable (Key) -> Void = { _ in }) {
        self.whenFirstNoted = whenFirstNoted
    }

    /// Notes that `key` was changed.
    public func insert(_ key: Key) {
        if keys.withLock({ $0.insert(key).inserted }) { whenFirstNoted(key) }
    }

    /// The keys changed so far.
    public var all: Set<Key> {
        keys.withLock { $0 }
    }
}
