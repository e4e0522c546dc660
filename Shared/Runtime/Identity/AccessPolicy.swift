import RPC

/// Which roles may call which method: declared in one place per service, and denying by
/// default. Methods of the standard services (health, reflection) need no token at all.
public struct AccessPolicy: Sendable {
    /// Services anyone may call without a token.
    public static let publicServices: Set<String> = [
        "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection",
    ]

    private var allowed: [String: Set<Role>]
    private let open: Set<String>

    /// A policy allowing each method (by descriptor) to the roles listed for it; every other
    /// method of the service is denied to everyone. Services in `alsoPublic` need no token
    /// either (the interop test server's).
    public init(_ rules: [MethodDescriptor: Set<Role>], alsoPublic: Set<String> = []) {
        var allowed: [String: Set<Role>] = [:]
        for (method, roles) in rules { allowed[method.path] = roles }
        self.allowed = allowed
        self.open = Self.publicServices.union(alsoPublic)
    }

    /// This policy with `rules` added (a method in both gets the roles of `rules`).
    public func adding(_ rules: [MethodDescriptor: Set<Role>]) -> AccessPolicy {
        var policy = self
        for (method, roles) in rules { policy.allowed[method.path] = roles }
        return policy
    }

    /// Whether `method` needs no token.
    public func isPublic(_ method: MethodDescriptor) -> Bool {
        open.contains(method.service)
    }

    /// The roles allowed to call `method` (empty: nobody).
    public func roles(for method: MethodDescriptor) -> Set<Role> {
        allowed[method.path] ?? []
    }

    /// Throws PERMISSION_DENIED unless `identity` may call `method`.
    public func authorize(_ identity: Identity, for method: MethodDescriptor) throws(RPCError) {
        guard roles(for: method).contains(identity.role) else {
            throw RPCError(.permissionDenied, "a \(identity.role.rawValue) may not call \(method.method)")
        }
    }
}
