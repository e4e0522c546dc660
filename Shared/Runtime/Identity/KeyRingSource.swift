import Synchronization

/// The key ring a verifier reads on every call, replaceable while the process runs: the
/// `--token-keys` file is re-read when it changes (``KeyRingFile``), so keys rotate without a
/// restart.
public final class KeyRingSource: Sendable {
    private let current: Mutex<TokenKeyRing>

    /// A source holding `ring`.
    public init(_ ring: TokenKeyRing) {
        current = Mutex(ring)
    }

    /// The ring now.
    public var ring: TokenKeyRing {
        current.withLock { $0 }
    }

    /// Replaces the ring; calls verified from now on use `ring`.
    public func replace(with ring: TokenKeyRing) {
        current.withLock { $0 = ring }
    }
}
