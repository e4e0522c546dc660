import RPC

/// Gives a call a deadline when it has none, so that no page waits on a service forever.
struct CallTimeoutInterceptor: ClientInterceptor {
    private let timeout: Duration

    /// An interceptor giving calls `timeout`.
    init(_ timeout: Duration) {
        self.timeout = timeout
    }

    /// Sets the deadline, then makes the call.
    func intercept<Result: Sendable>(
        _ method: MethodDescriptor, options: CallOptions, next: @Sendable (CallOptions) async throws -> Result
    ) async throws -> Result {
        var options = options
        if options.timeout == nil { options.timeout = timeout }
        return try await next(options)
    }
}
