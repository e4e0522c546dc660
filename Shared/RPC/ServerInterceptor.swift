/// Code that runs around every handler of a server: authentication, logging, metrics, tracing.
/// It may change the context (set the caller), refuse the call by throwing an ``RPCError``, or
/// observe the outcome.
public protocol ServerInterceptor: Sendable {
    /// Runs `next` (the rest of the chain and the handler) with a possibly changed context.
    func intercept<Result: Sendable>(
        _ context: ServerContext, next: @Sendable (ServerContext) async throws -> Result
    ) async throws -> Result
}
