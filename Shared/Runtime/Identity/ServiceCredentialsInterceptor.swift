import RPC
import Synchronization

/// Signs the calls a service makes to its peers: `authorization: Bearer` with a short-lived token
/// naming the service itself in the `service` role, minted from the signing key and renewed
/// before it expires (so one signature serves many calls).
public final class ServiceCredentialsInterceptor: ClientInterceptor {
    private let minter: TokenMinter
    private let subject: String
    private let lifetime: Double
    private let cached = Mutex<(token: String, renewAt: ContinuousClock.Instant)?>(nil)

    /// Credentials for the service `subject`, tokens valid for `lifetime` seconds.
    public init(minter: TokenMinter, subject: String, lifetime: Double = 300) {
        self.minter = minter
        self.subject = subject
        self.lifetime = lifetime
    }

    /// Adds the service's token, then makes the call.
    public func intercept<Result: Sendable>(
        _ method: MethodDescriptor, options: CallOptions, next: @Sendable (CallOptions) async throws -> Result
    ) async throws -> Result {
        var options = options
        options.metadata.set("authorization", "Bearer \(try currentToken())")
        return try await next(options)
    }

    private func currentToken() throws -> String {
        let now = ContinuousClock.now
        if let cached = cached.withLock({ $0 }), now < cached.renewAt { return cached.token }
        let token: String
        do {
            token = try minter.mint(subject: subject, role: .service, lifetime: lifetime)
        } catch {
            throw RPCError(.internal, "could not sign the service token: \(error)")
        }
        cached.withLock { $0 = (token, now + .seconds(lifetime / 2)) }
        return token
    }
}
