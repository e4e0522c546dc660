/// Who an access rule lets call a method: a role, and for services the names of the services
/// (token subjects) allowed, since a service token of one service must not act for another.
public enum AllowedCaller: Sendable, Hashable {
    /// Any customer (handlers further limit them to their own data).
    case customer
    /// Any support agent.
    case agent
    /// Any auditor.
    case auditor
    /// Only the services named here (the `sub` of a `service` token).
    case service(Set<String>)

    /// The role this caller acts in.
    public var role: Role {
        switch self {
        case .customer: .customer
        case .agent: .agent
        case .auditor: .auditor
        case .service: .service
        }
    }

    /// The service names this caller allows (empty for the other roles).
    public var services: Set<String> {
        if case .service(let names) = self { names } else { [] }
    }
}
