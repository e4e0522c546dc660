import RPC

/// Adds `authorization: Bearer <token>` to every call a client makes.
public struct BearerTokenInterceptor: ClientInterceptor {
    private let token: String

    /// An interceptor sending `token`.
    public init(token: String) {
        self.token = token
    }

    /// Adds the token, then makes the call.
    public func intercept<Result: Sendable>(
        _ method: MethodDescriptor, options: CallOptions, next: @Sendable (CallOptions) async throws -> Result
    ) async throws -> Result {
        var options = options
        options.metadata.set("authorization", "Bearer \(token)")
        return try await next(options)
    }
}
