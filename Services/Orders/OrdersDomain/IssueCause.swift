/// What caused an issue.
public enum IssueCause: Int, Sendable, Hashable, Codable, CaseIterable {
    /// A fault in the platform's systems.
    case systemTechnicalFault = 1
    /// The carrier or the transport.
    case shipping
    /// A person's mistake.
    case humanError

    /// The name used in rules, such as "SHIPPING".
    public var name: String {
        switch self {
        case .systemTechnicalFault: "SYSTEM_TECHNICAL_FAULT"
        case .shipping: "SHIPPING"
        case .humanError: "HUMAN_ERROR"
        }
    }
}
