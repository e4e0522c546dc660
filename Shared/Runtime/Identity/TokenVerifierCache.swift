import Glibc
import Synchronization

/// The tokens a ``TokenVerifier`` has verified, with the identity each proves, so that a caller's
/// repeated calls pay for the ES256 signature check once: an entry is kept until the verifier
/// would refuse its token (`exp` plus the leeway), only for the key ring it was verified against (a replaced ring empties the cache), and
/// never for a token that failed. Bounded: at most `capacity` entries; when full, the oldest is
/// dropped for the newest, so a flood of distinct tokens costs no more memory than `capacity`
/// tokens of at most ``TokenVerifier/maximumTokenSize`` bytes.
final class TokenVerifierCache: Sendable {
    private struct Entry {
        var identity: Identity
        var expiresAt: Double
    }

    /// A token as the cache's key: equal to another only byte for byte (Swift compares strings
    /// by canonical equivalence, under which a token with a KELVIN SIGN would equal one with a
    /// `K`), and hashed by its length and its last 32 bytes, part of its signature, rather than
    /// its 300-500 bytes: only tokens that passed verification are stored, and those differ there.
    private struct Key: Hashable {
        let token: String

        static func == (first: Key, second: Key) -> Bool {
            var first = first.token
            var second = second.token
            return first.withUTF8 { one in
                second.withUTF8 { other in
                    let count = one.count
                    guard count == other.count else { return false }
                    guard let one = one.baseAddress, let other = other.baseAddress else { return true }
                    return memcmp(one, other, count) == 0
                }
            }
        }

        func hash(into hasher: inout Hasher) {
            var token = token
            token.withUTF8 { bytes in
                hasher.combine(bytes.count)
                hasher.combine(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes.suffix(32))))
            }
        }
    }

    private struct State {
        var generation: UInt64 = 0
        var entries: [Key: Entry] = [:]
        /// The keys in insertion order, as a ring buffer: `oldest` is the next to be dropped.
        var order: [Key] = []
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
    /// cached (the same bytes) and `now` is before its expiry.
    func identity(for token: String, generation: UInt64, now: Double) -> Identity? {
        let key = Key(token: token)
        return state.withLock { state in
            if generation > state.generation { Self.clear(&state, generation: generation) }
            guard generation == state.generation, let entry = state.entries[key] else { return nil }
            guard now < entry.expiresAt else {
                state.entries[key] = nil
                return nil
            }
            return entry.identity
        }
    }

    /// Keeps `identity` for `token` (verified against the ring of `generation`) until `expiresAt`;
    /// a token verified against an older ring than the cache's is not kept.
    func store(_ identity: Identity, for token: String, until expiresAt: Double, generation: UInt64) {
        let key = Key(token: token)
        state.withLock { state in
            if generation > state.generation { Self.clear(&state, generation: generation) }
            guard generation == state.generation else { return }
            if state.entries.updateValue(Entry(identity: identity, expiresAt: expiresAt), forKey: key) != nil {
                return
            }
            if state.order.count < capacity {
                state.order.append(key)
            } else {
                // Full: the oldest entry still in the ring buffer gives its place to this one.
                state.entries[state.order[state.oldest]] = nil
                state.order[state.oldest] = key
                state.oldest = (state.oldest + 1) % capacity
            }
        }
    }

    private static func clear(_ state: inout State, generation: UInt64) {
        state = State()
        state.generation = generation
    }
}
