import RPC

/// Which callers may call which method: declared in one place per service, and denying by
/// default. A rule names roles, and for service tokens the services allowed by name: a token of
/// role `service` for any other subject is denied. Methods of the standard services (health,
/// reflection) need no token at all.
public struct AccessPolicy: Sendable {
    /// Services anyone may call without a token.
    public static let publicServices: Set<String> = [
        "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection",
    ]

    private var allowed: [String: Set<AllowedCaller>]
    private let open: Set<String>

    /// A policy allowing each method (by descriptor) to the callers listed for it; every other
    /// method of the service is denied to everyone. Services in `alsoPublic` need no token
    /// either (the interop test server's).
    public init(_ rules: [MethodDescriptor: Set<AllowedCaller>], alsoPublic: Set<String> = []) {
        var allowed: [String: Set<AllowedCaller>] = [:]
        for (method, roles) in rules { allowed[method.path] = roles }
        self.allowed = allowed
        self.open = Self.publicServices.union(alsoPublic)
    }

    /// This policy with `rules` added (a method in both gets the callers of `rules`).
    public func adding(_ rules: [MethodDescriptor: Set<AllowedCaller>]) -> AccessPolicy {
        var policy = self
        for (method, roles) in rules { policy.allowed[method.path] = roles }
        return policy
    }

    /// Whether `method` needs no token.
    public func isPublic(_ method: MethodDescriptor) -> Bool {
        open.contains(method.service)
    }

    /// The roles some caller of which may call `method` (empty: nobody). For `service`, only
    /// the services in `services(for:)`.
    public func roles(for method: MethodDescriptor) -> Set<Role> {
        Set((allowed[method.path] ?? []).map(\.role))
    }

    /// The services (token subjects of role `service`) allowed to call `method`.
    public func services(for method: MethodDescriptor) -> Set<String> {
        (allowed[method.path] ?? []).reduce(into: []) { $0.formUnion($1.services) }
    }

    /// Whether `identity` may call `method`: its role is allowed and, for a service, its name.
    public func allows(_ identity: Identity, _ method: MethodDescriptor) -> Bool {
        // The rule's callers are looked at in place: no set of roles or services is built per call.
        guard let callers = allowed[method.path] else { return false }
        switch identity.role {
        case .service: return callers.contains { $0.services.contains(identity.subject) }
        case .customer, .agent, .auditor: return callers.contains { $0.role == identity.role }
        }
    }

    /// Throws PERMISSION_DENIED unless `identity` may call `method`.
    public func authorize(_ identity: Identity, for method: MethodDescriptor) throws(RPCError) {
        guard allows(identity, method) else {
            if identity.role == .service && roles(for: method).contains(.service) {
                throw RPCError(.permissionDenied, "the service \(identity.subject) may not call \(method.method)")
            }
            throw RPCError(.permissionDenied, "a \(identity.role.rawValue) may not call \(method.method)")
        }
    }
}
