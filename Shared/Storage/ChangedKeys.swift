import Synchronization

/// The keys a command's transaction changed, noted on the writer's thread as it runs and read
/// there once it is committed, to invalidate them in a ``ReadCache``
/// (``ServiceDatabase/transaction(syncing:committed:_:)``).
public final class ChangedKeys<Key: Hashable & Sendable>: Sendable {
    private let keys = Mutex<Set<Key>>([])

    /// No keys yet.
    public init() {}

    /// Notes that `key` was changed.
    public func insert(_ key: Key) {
        keys.withLock { _ = $0.insert(key) }
    }

    /// The keys changed so far.
    public var all: Set<Key> {
        keys.withLock { $0 }
    }
}
