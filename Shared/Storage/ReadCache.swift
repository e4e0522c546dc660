import Synchronization

/// Values read from the database, kept so that a repeated read of the same key is answered from
/// memory instead of a read thread: for a store whose process is its database's only writer
/// (SQLite: see ``ServiceDatabase/readCacheBudget``), which therefore knows every change.
///
/// Correctness rests on two rules the store keeps:
/// - every command that changes what a key's value was read from calls ``invalidate(_:)`` with
///   that key once its transaction is committed and before anyone hears of it (on the writer,
///   before its group commit resumes any caller: ``ServiceDatabase/transaction(syncing:committed:_:)``);
/// - a read takes a ``Ticket`` before it starts and keeps its value with it
///   (``keep(_:for:cost:readSince:)``); the value is dropped if any invalidation came in between,
///   since the read may have seen the database before that change committed.
/// So a kept value is never older than a change whose command has answered. And reads do not go
/// backwards: a command ``hold(_:)``s each key as it writes it (before its commit) and
/// ``release(_:)``s it once it has ended, and a held key is neither answered from the cache nor
/// kept, so that between the commit and its invalidation no kept value older than what the
/// database already shows is answered.
///
/// Bounded: values carry a `cost` (about their bytes), and the oldest kept are dropped once the
/// costs add up to more than `budget`; a value costing more than the budget is not kept.
///
/// Its methods are `@inlinable` so that a store's module specializes them for its own key and
/// value types: called across modules unspecialized, every hash, comparison and copy of a key or
/// value went through witness tables (about 3% of a write's CPU on the writer, and on every
/// cached read).
public final class ReadCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// When a read started, as far as this cache is concerned: the count of invalidations then.
    public struct Ticket: Sendable {
        @usableFromInline let invalidations: UInt64

        @inlinable init(invalidations: UInt64) {
            self.invalidations = invalidations
        }
    }

    /// One kept value.
    @usableFromInline struct Entry {
        @usableFromInline var value: Value
        @usableFromInline var cost: Int
        /// Which keeping this is (``State/kept``), so that the oldest-first queue can tell a
        /// place it holds for this entry from one it held for an entry since dropped.
        @usableFromInline var serial: UInt64

        @inlinable init(value: Value, cost: Int, serial: UInt64) {
            self.value = value
            self.cost = cost
            self.serial = serial
        }
    }

    /// Everything the lock guards.
    @usableFromInline struct State {
        @usableFromInline var entries: [Key: Entry] = [:]
        /// Keys in the order they were kept, oldest at `head`; places whose entry has since been
        /// dropped or kept again are skipped when reached.
        @usableFromInline var queue: [(key: Key, serial: UInt64)] = []
        @usableFromInline var head = 0
        @usableFromInline var totalCost = 0
        @usableFromInline var invalidations: UInt64 = 0
        @usableFromInline var kept: UInt64 = 0
        /// Keys commands are writing, with how many hold each (``hold(_:)``).
        @usableFromInline var held: [Key: Int] = [:]

        @inlinable init() {}
    }

    /// The most the kept values may cost together.
    public let budget: Int
    @usableFromInline let state = Mutex(State())

    /// An empty cache whose values may cost `budget` together.
    public init(budget: Int) {
        self.budget = max(0, budget)
    }

    /// How many values are kept.
    public var count: Int {
        state.withLock { $0.entries.count }
    }

    /// What the kept values cost together.
    public var totalCost: Int {
        state.withLock { $0.totalCost }
    }

    /// How many entries the table has room for without growing (for tests).
    var tableCapacity: Int {
        state.withLock { $0.entries.capacity }
    }

    /// How many places the oldest-first queue holds, skipped ones included (for tests).
    var queuedPlaces: Int {
        state.withLock { $0.queue.count - $0.head }
    }

    /// The value kept for `key`, if any and `key` is not held.
    @inlinable
    public func value(for key: Key) -> Value? {
        state.withLock { state in
            guard state.held.isEmpty || state.held[key] == nil else { return nil }
            return state.entries[key]?.value
        }
    }

    /// A ticket for a read about to start.
    @inlinable
    public func ticket() -> Ticket {
        state.withLock { Ticket(invalidations: $0.invalidations) }
    }

    /// Keeps `value`, read for `key` by a read that started with `ticket`, unless a key was
    /// invalidated since (the read may predate that change) or `cost` exceeds the budget.
    @inlinable
    public func keep(_ value: Value, for key: Key, cost: Int, readSince ticket: Ticket) {
        guard cost >= 0, cost <= budget else { return }
        state.withLock { state in
            guard state.invalidations == ticket.invalidations, state.held.isEmpty || state.held[key] == nil else {
                return
            }
            if let replaced = state.entries.removeValue(forKey: key) { state.totalCost -= replaced.cost }
            state.kept &+= 1
            state.entries[key] = Entry(value: value, cost: cost, serial: state.kept)
            state.queue.append((key, state.kept))
            state.totalCost += cost
            while state.totalCost > budget, state.head < state.queue.count {
                let oldest = state.queue[state.head]
                state.head += 1
                if let entry = state.entries[oldest.key], entry.serial == oldest.serial {
                    state.entries[oldest.key] = nil
                    state.totalCost -= entry.cost
                }
            }
            Self.compact(&state)
        }
    }

    /// Drops the values kept for `keys` and fails every read in flight (its ticket is older);
    /// no keys (a command that changed nothing kept here) fail no read.
    @inlinable
    public func invalidate(_ keys: some Sequence<Key>) {
        state.withLock { state in
            var any = false
            for key in keys {
                any = true
                if let dropped = state.entries.removeValue(forKey: key) { state.totalCost -= dropped.cost }
            }
            if any { state.invalidations &+= 1 }
            Self.compact(&state)
        }
    }

    /// Holds `keys`, which a command is about to change: until as many ``release(_:)``s, they are
    /// neither answered nor kept (what is kept of them now is dropped).
    @inlinable
    public func hold(_ keys: some Sequence<Key>) {
        state.withLock { state in
            for key in keys {
                state.held[key, default: 0] += 1
                if let dropped = state.entries.removeValue(forKey: key) { state.totalCost -= dropped.cost }
            }
        }
    }

    /// Releases `keys`, each held once by ``hold(_:)``; a key not held is left alone.
    @inlinable
    public func release(_ keys: some Sequence<Key>) {
        state.withLock { state in
            for key in keys {
                guard let count = state.held[key] else { continue }
                state.held[key] = count > 1 ? count - 1 : nil
            }
        }
    }

    /// Rebuilds the queue once most of its places are skipped ones, so that it stays within a
    /// small multiple of the kept entries however many keepings and invalidations come.
    @inlinable
    static func compact(_ state: inout State) {
        // A dictionary never gives back the room it grew to: rebuilt once it is mostly empty, so
        // that its table stays within what ``MemoryEstimate/cacheEntry(key:value:)`` counts.
        if state.entries.capacity > 64, state.entries.capacity > 3 * state.entries.count {
            state.entries = Dictionary(uniqueKeysWithValues: state.entries.lazy.map { ($0.key, $0.value) })
        }
        guard state.queue.count > 64, state.queue.count > 2 * state.entries.count else { return }
        state.queue = state.queue[state.head...].filter { place in state.entries[place.key]?.serial == place.serial }
        state.head = 0
    }
}
