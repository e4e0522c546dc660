import RPC

/// Verifies the `authorization: Bearer` token (UNAUTHENTICATED if it is missing or bad), checks
/// the ``AccessPolicy`` (PERMISSION_DENIED), and hands the handler the caller in
/// ``RPC/ServerContext/caller`` (typed as ``RPC/ServerContext/identity``). Calls to the standard
/// services pass without a token.
///
/// Services run it as a ``RPC/CallAdmission`` (``RPC/Router/admitting(by:)``): the transport
/// checks the token on the HEADERS frame, so an unauthenticated call is answered before any of its
/// body is accepted. As a ``RPC/ServerInterceptor`` it does the same check once the request has
/// arrived, for routers that do not admit.
public struct AuthenticationInterceptor: ServerInterceptor, CallAdmission {
    private let verifier: TokenVerifier?
    private let policy: AccessPolicy

    /// An interceptor verifying with `verifier` and authorizing with `policy`. Without a verifier
    /// (no public key configured) every call that needs a token is UNAUTHENTICATED.
    public init(verifier: TokenVerifier?, policy: AccessPolicy) {
        self.verifier = verifier
        self.policy = policy
    }

    /// Authenticates and authorizes, then runs the handler with the caller set.
    public func intercept<Result: Sendable>(
        _ context: ServerContext, next: @Sendable (ServerContext) async throws -> Result
    ) async throws -> Result {
        var context = context
        try admit(&context)
        return try await next(context)
    }

    /// Authenticates and authorizes the call, setting its caller; throws UNAUTHENTICATED or
    /// PERMISSION_DENIED.
    public func admit(_ context: inout ServerContext) throws(RPCError) {
        if policy.isPublic(context.method) { return }
        guard let verifier else {
            throw RPCError(.unauthenticated, "this service has no token public key configured (--token-public-key)")
        }
        let identity: Identity
        do {
            identity = try verifier.verify(try Self.bearerToken(in: context.requestMetadata))
        } catch {
            throw RPCError(.unauthenticated, error.description)
        }
        try policy.authorize(identity, for: context.method)
        context.caller = Caller(subject: identity.subject, role: identity.role.rawValue)
    }

    static func bearerToken(in metadata: Metadata) throws(TokenError) -> String {
        guard let value = metadata["authorization"] else { throw .missing }
        let prefix = "Bearer "
        guard value.hasPrefix(prefix) else { throw .malformed }
        return String(value.dropFirst(prefix.count))
    }
}
