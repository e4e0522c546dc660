/// The server side of one method, on encoded messages. Unary methods have their own case so that
/// transports can run them without setting up streams.
public struct ServerHandler: Sendable {
    /// The two ways a handler consumes and produces messages.
    public enum Body: Sendable {
        /// One request in, one response out.
        case unary(@Sendable (_ request: [UInt8], _ context: ServerContext) async throws -> [UInt8])
        /// Any streaming shape: requests in, responses written.
        case streaming(
            @Sendable (_ requests: MessageStream, _ responses: MessageWriter, _ context: ServerContext) async throws
                -> Void
        )
    }

    /// The method served.
    public let method: MethodDescriptor
    /// The code that serves it.
    public let body: Body

    /// A handler for `method`.
    public init(method: MethodDescriptor, body: Body) {
        self.method = method
        self.body = body
    }

    /// This handler with `interceptor` around it.
    public func intercepted(by interceptor: any ServerInterceptor) -> ServerHandler {
        switch body {
        case .unary(let handle):
            return ServerHandler(
                method: method,
                body: .unary { request, context in
                    try await interceptor.intercept(context) { context in try await handle(request, context) }
                })
        case .streaming(let handle):
            return ServerHandler(
                method: method,
                body: .streaming { requests, responses, context in
                    try await interceptor.intercept(context) { context in try await handle(requests, responses, context)
                    }
                })
        }
    }
}
