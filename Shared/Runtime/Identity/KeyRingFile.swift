import Foundation
import Synchronization

/// A `--token-keys` JWKS file feeding a ``KeyRingSource``: ``reload()`` re-reads it and, when its
/// contents changed and are a valid key set, replaces the ring (together with the `extra` keys,
/// such as `--token-public-key`'s). An unreadable or invalid file leaves the ring as it was.
public final class KeyRingFile: Sendable {
    /// The file.
    public let path: String
    /// The ring the file feeds.
    public let source: KeyRingSource
    private let extra: [TokenKey]
    private let loaded: Mutex<Data>

    /// Reads `path` once (throwing when it is unreadable or not a key set) into a new source.
    public init(path: String, extra: [TokenKey] = []) throws(KeyRingError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KeyRingError("cannot read '\(path)'")
        }
        let ring: TokenKeyRing
        do {
            ring = try TokenKeyRing(jwks: data)
        } catch {
            throw KeyRingError("'\(path)': \(error.description)")
        }
        self.path = path
        self.extra = extra
        self.loaded = Mutex(data)
        self.source = KeyRingSource(TokenKeyRing(keys: ring.keys + extra))
    }

    /// Re-reads the file: true when the ring was replaced, false when the file is unchanged;
    /// throws (keeping the ring) when it cannot be read or is not a key set.
    @discardableResult
    public func reload() throws(KeyRingError) -> Bool {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KeyRingError("cannot read '\(path)'")
        }
        guard data != loaded.withLock({ $0 }) else { return false }
        let ring = TokenKeyRing(keys: try TokenKeyRing(jwks: data).keys + extra)
        loaded.withLock { $0 = data }
        source.replace(with: ring)
        return true
    }
}
