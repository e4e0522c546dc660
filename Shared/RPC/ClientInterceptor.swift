/// Code that runs around every call a client makes: adding credentials, trace context, logging.
public protocol ClientInterceptor: Sendable {
    /// Runs `next` (the rest of the chain and the transport) with possibly changed options.
    func intercept<Result: Sendable>(
        _ method: MethodDescriptor, options: CallOptions, next: @Sendable (CallOptions) async throws -> Result
    ) async throws -> Result
}
