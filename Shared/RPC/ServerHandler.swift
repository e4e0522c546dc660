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
    /// The largest request message this method accepts, decompressed, if smaller than the
    /// transport's limit (nil: the transport's limit). Public methods with small requests set it,
    /// so that an unauthenticated peer cannot make a handler hold megabytes.
    public var maximumRequestMessageSize: Int?

    /// A handler for `method`.
    public init(method: MethodDescriptor, body: Body, maximumRequestMessageSize: Int? = nil) {
        self.method = method
        self.body = body
        self.maximumRequestMessageSize = maximumRequestMessageSize
    }

    /// This handler with `interceptor` around it.
    public func intercepted(by interceptor: any ServerInterceptor) -> ServerHandler {
        switch body {
        case .unary(let handle):
            return ServerHandler(
                method: method,
                body: .unary { request, context in
                    try await interceptor.intercept(context) { context in try await handle(request, context) }
                }, maximumRequestMessageSize: maximumRequestMessageSize)
        case .streaming(let handle):
            return ServerHandler(
                method: method,
                body: .streaming { requests, responses, context in
                    try await interceptor.intercept(context) { context in try await handle(requests, responses, context)
                    }
                }, maximumRequestMessageSize: maximumRequestMessageSize)
        }
    }
}
