/// One rule of the official policy: what every decision cites, with the policy version it
/// belongs to, so that any outcome can be traced to the text that produced it.
public struct PolicyRule: Sendable, Hashable, Codable {
    /// The policy version, such as "2026.11".
    public var version: String
    /// The rule's stable id, such as "ORD-RES-SHIPPING_ANOMALY".
    public var id: String
    /// The rule's text.
    public var text: String

    /// A rule of the current policy.
    public init(id: String, text: String, version: String = Policy.version) {
        self.version = version
        self.id = id
        self.text = text
    }
}
