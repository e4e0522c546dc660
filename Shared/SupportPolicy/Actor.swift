/// Who did something: a customer, an agent, a service or an auditor, by id.
public struct Actor: Sendable, Hashable, Codable {
    /// What an actor acts as.
    public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
        /// A shopper.
        case customer
        /// A support agent.
        case agent
        /// A platform or support service.
        case service
        /// An auditor.
        case auditor
    }

    /// The actor's id.
    public var subject: String
    /// What the actor acts as.
    public var role: Role

    /// `subject` acting as `role`.
    public init(subject: String, role: Role) {
        self.subject = subject
        self.role = role
    }
}
