import Synchronization

/// The keys of a ``ReadCache`` a command changes, and the three steps that keep the cache exact
/// around it (one place for them, so that no store can get their order wrong):
/// - ``insert(_:)``, on the writer as the command writes: the key is held at once (neither
///   answered nor kept: ``ReadCache/hold(_:)``);
/// - ``committed()``, on the writer once its transaction is committed, before anyone hears of it
///   (the `committed` hook of ``ServiceDatabase/transaction(syncing:committed:_:)``): the keys are
///   invalidated;
/// - ``ended()``, once the command has ended, committed or not: the keys are released.
/// With no cache (PostgreSQL, or a budget of 0) each step does nothing. `@inlinable` for the
/// reason ``ReadCache`` is.
public final class ChangedKeys<Key: Hashable & Sendable>: Sendable {
    @usableFromInline let keys = Mutex<Set<Key>>([])
    @usableFromInline let hold: @Sendable (Key) -> Void
    @usableFromInline let invalidate: @Sendable (Set<Key>) -> Void
    @usableFromInline let release: @Sendable (Set<Key>) -> Void

    /// No keys yet, of `cache` (nil: nothing to keep exact).
    @inlinable
    public init<Value>(in cache: ReadCache<Key, Value>?) {
        hold = { key in cache?.hold([key]) }
        invalidate = { keys in cache?.invalidate(keys) }
        release = { keys in cache?.release(keys) }
    }

    /// Notes that `key` is being changed, holding it the first time.
    @inlinable
    public func insert(_ key: Key) {
        if keys.withLock({ $0.insert(key).inserted }) { hold(key) }
    }

    /// Invalidates every key noted: the command's transaction is committed.
    @inlinable
    public func committed() {
        invalidate(all)
    }

    /// Releases every key noted: the command has ended.
    @inlinable
    public func ended() {
        release(all)
    }

    /// The keys noted so far.
    @inlinable
    public var all: Set<Key> {
        keys.withLock { $0 }
    }
}
