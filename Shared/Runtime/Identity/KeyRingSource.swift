import Synchronization

/// The key ring a verifier reads on every call, replaceable while the process runs: the
/// `--token-keys` file is re-read when it changes (``KeyRingFile``), so keys rotate without a
/// restart. Each replacement gets a new generation number, so that what was verified against an
/// older ring (``TokenVerifierCache``) is known to be stale.
public final class KeyRingSource: Sendable {
    private let current: Mutex<(ring: TokenKeyRing, generation: UInt64)>

    /// A source holding `ring`.
    public init(_ ring: TokenKeyRing) {
        current = Mutex((ring, 0))
    }

    /// The ring now.
    public var ring: TokenKeyRing {
        current.withLock { $0.ring }
    }

    /// The ring now and its generation (0 for the first ring, one more for each replacement).
    public var snapshot: (ring: TokenKeyRing, generation: UInt64) {
        current.withLock { $0 }
    }

    /// Replaces the ring; calls verified from now on use `ring`.
    public func replace(with ring: TokenKeyRing) {
        current.withLock { $0 = (ring, $0.generation &+ 1) }
    }
}
