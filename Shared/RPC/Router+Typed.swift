import Wire

extension Router {
    /// Registers a unary method.
    public mutating func addUnary<Request: WireMessage, Response: WireMessage>(
        _ method: MethodDescriptor, _ handle: @escaping @Sendable (Request, ServerContext) async throws -> Response
    ) {
        register(
            ServerHandler(
                method: method,
                body: .unary { bytes, context in
                    let request = try Request.decode(bytes, failureCode: .invalidArgument)
                    return try await handle(request, context).serializedBytes()
                }))
    }

    /// Registers a server-streaming method.
    public mutating func addServerStreaming<Request: WireMessage, Response: WireMessage>(
        _ method: MethodDescriptor,
        _ handle: @escaping @Sendable (Request, ResponseWriter<Response>, ServerContext) async throws -> Void
    ) {
        register(
            ServerHandler(
                method: method,
                body: .streaming { requests, responses, context in
                    let request = try await Self.single(Request.self, from: requests)
                    try await handle(request, ResponseWriter(responses), context)
                }))
    }

    /// Registers a client-streaming method.
    public mutating func addClientStreaming<Request: WireMessage, Response: WireMessage>(
        _ method: MethodDescriptor,
        _ handle: @escaping @Sendable (RequestStream<Request>, ServerContext) async throws -> Response
    ) {
        register(
            ServerHandler(
                method: method,
                body: .streaming { requests, responses, context in
                    let response = try await handle(RequestStream(requests, failureCode: .invalidArgument), context)
                    try await responses.write(response.serializedBytes())
                }))
    }

    /// Registers a bidirectional-streaming method.
    public mutating func addBidirectionalStreaming<Request: WireMessage, Response: WireMessage>(
        _ method: MethodDescriptor,
        _ handle:
            @escaping @Sendable (RequestStream<Request>, ResponseWriter<Response>, ServerContext) async throws
            -> Void
    ) {
        register(
            ServerHandler(
                method: method,
                body: .streaming { requests, responses, context in
                    try await handle(
                        RequestStream(requests, failureCode: .invalidArgument), ResponseWriter(responses), context)
                }))
    }

    /// The one request of a call whose client must send exactly one.
    static func single<Request: WireMessage>(_: Request.Type, from requests: MessageStream) async throws -> Request {
        try Request.decode(try await single(from: requests), failureCode: .invalidArgument)
    }

    /// The one encoded request of a call whose client must send exactly one.
    @usableFromInline
    static func single(from requests: MessageStream) async throws -> [UInt8] {
        var iterator = requests.makeAsyncIterator()
        guard let bytes = try await iterator.next() else {
            throw RPCError(.unimplemented, "expected one request message, received none")
        }
        guard try await iterator.next() == nil else {
            throw RPCError(.unimplemented, "expected one request message, received several")
        }
        return bytes
    }
}
