import Synchronization

/// The tokens a ``TokenVerifier`` has verified, with the identity each proves, so that a caller's
/// repeated calls pay for the ES256 signature check once: an entry is kept until its token's
/// `exp`, only for the key ring it was verified against (a replaced ring empties the cache), and
/// never for a token that failed. Bounded: at most `capacity` entries; when full, the oldest is
/// dropped for the newest, so a flood of distinct tokens costs no more memory than `capacity`
/// tokens of at most ``TokenVerifier/maximumTokenSize`` bytes.
final class TokenVerifierCache: Sendable {
    private struct Entry {
        var identity: Identity
        var expiresAt: Double
    }

    private struct State {
        var generation: UInt64 = 0
        var entries: [String: Entry] = [:]
        /// The keys in insertion order, as a ring buffer: `oldest` is the next to be dropped.
        var order: [String] = []
        var oldest = 0
    }

    /// The most entries kept.
    let capacity: Int
    private let state = Mutex(State())

    /// An empty cache of at most `capacity` tokens (at least one).
    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// How many tokens are cached.
    var count: Int {
        state.withLock { $0.entries.count }
    }

    /// The identity `token` proved when verified against the ring of `generation`, if it is
    /// cached and `now` is before its expiry. Tokens that are not ASCII are never found (a valid
    /// token is base64url; Swift compares strings by canonical equivalence, bytes must match).
    func identity(for token: String, generation: UInt64, now: Double) -> Identity? {
        guard Self.isASCII(token) else { return nil }
        return state.withLock { state in
            if generation > state.generation { Self.clear(&state, generation: generation) }
            guard generation == state.generation, let entry = state.entries[token] else { return nil }
            guard now < entry.expiresAt else {
                state.entries[token] = nil
                return nil
            }
            return entry.identity
        }
    }

    /// Keeps `identity` for `token` (verified against the ring of `generation`) until `expiresAt`;
    /// a token verified against an older ring than the cache's is not kept.
    func store(_ identity: Identity, for token: String, until expiresAt: Double, generation: UInt64) {
        guard Self.isASCII(token) else { return }
        state.withLock { state in
            if generation > state.generation { Self.clear(&state, generation: generation) }
            guard generation == state.generation else { return }
            if state.entries.updateValue(Entry(identity: identity, expiresAt: expiresAt), forKey: token) != nil {
                return
            }
            if state.order.count < capacity {
                state.order.append(token)
            } else {
                // Full: the oldest entry still in the ring buffer gives its place to this one.
                state.entries[state.order[state.oldest]] = nil
                state.order[state.oldest] = token
                state.oldest = (state.oldest + 1) % capacity
            }
        }
    }

    /// Whether `token` is all ASCII, read as one buffer when the string has one (a token read
    /// from the wire does), byte by byte otherwise.
    private static func isASCII(_ token: String) -> Bool {
        token.utf8.withContiguousStorageIfAvailable { bytes in bytes.allSatisfy { $0 < 0x80 } }
            ?? token.utf8.allSatisfy { $0 < 0x80 }
    }

    private static func clear(_ state: inout State, generation: UInt64) {
        state = State()
        state.generation = generation
    }
}
