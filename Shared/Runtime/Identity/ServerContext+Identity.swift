import RPC

extension ServerContext {
    /// The authenticated caller, typed; UNAUTHENTICATED if the call has none (a handler reached
    /// without the ``AuthenticationInterceptor``).
    public var identity: Identity {
        get throws(RPCError) {
            guard let caller, let role = Role(rawValue: caller.role) else {
                throw RPCError(.unauthenticated, "the call has no authenticated caller")
            }
            return Identity(subject: caller.subject, role: role)
        }
    }
}
