import Runtime

/// How Oversight signs checkpoints of its audit log and checks the ones it is shown: its own key
/// (nil: no checkpoints are signed), the key set that verifies checkpoints, and how often it signs
/// (after `everyEvents` events, or when the last checkpoint is `everySeconds` old and the log has
/// grown since).
public struct AuditCheckpointing: Sendable {
    /// Oversight's own key.
    public var key: SigningKey?
    /// The keys that verify checkpoints (the platform's key set, as reloaded).
    public var keys: KeyRingSource?
    /// Events between checkpoints.
    public var everyEvents: Int
    /// Seconds between checkpoints while events arrive.
    public var everySeconds: Int

    /// A configuration; without a key no checkpoints are signed.
    public init(key: SigningKey? = nil, keys: KeyRingSource? = nil, everyEvents: Int = 100, everySeconds: Int = 60) {
        self.key = key
        self.keys = keys
        self.everyEvents = max(1, everyEvents)
        self.everySeconds = max(1, everySeconds)
    }
}
