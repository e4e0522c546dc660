import RPC

/// Carries the current call's trace and request id into the calls a service makes while handling
/// it: `traceparent` names this call's span as the parent, and `x-request-id` is passed on
/// unchanged, so logs of every hop share both. Outside a call (the outbox relay) it starts a trace.
public struct TracePropagationInterceptor: ClientInterceptor {
    /// An interceptor for a service's clients.
    public init() {}

    /// Adds the trace headers, then makes the call.
    public func intercept<Result: Sendable>(
        _ method: MethodDescriptor, options: CallOptions, next: @Sendable (CallOptions) async throws -> Result
    ) async throws -> Result {
        var options = options
        if let scope = RequestScope.current {
            options.metadata.set("traceparent", scope.trace.traceparent)
            options.metadata.set("x-request-id", scope.requestID)
        } else if options.metadata["traceparent"] == nil {
            options.metadata.set("traceparent", TraceContext.newTrace().traceparent)
        }
        return try await next(options)
    }
}
