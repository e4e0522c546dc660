import Wire

/// Makes typed calls over a ``ClientTransport`` with ``ClientInterceptor``s around each call.
/// Generated clients wrap one.
public struct RPCClient: Sendable {
    /// The transport calls go over.
    public let transport: any ClientTransport
    /// Interceptors, the first outermost.
    public let interceptors: [any ClientInterceptor]

    /// A client over `transport`.
    public init(transport: any ClientTransport, interceptors: [any ClientInterceptor] = []) {
        self.transport = transport
        self.interceptors = interceptors
    }

    /// Makes a unary call and returns the response with its metadata.
    public func unaryCall<Request: WireMessage, Response: WireMessage>(
        _ method: MethodDescriptor, _ request: Request, options: CallOptions = CallOptions()
    ) async throws -> (message: Response, headers: Metadata, trailers: Metadata) {
        let bytes = request.serializedBytes()
        let response = try await intercepted(method, options) { options in
            try await transport.unary(method, request: bytes, options: options)
        }
        return (
            try Response.decode(
                response.message, failureCode: .internal, elementLimit: WireReader.responseElementLimit),
            response.headers, response.trailers
        )
    }

    /// Makes a unary call.
    public func unary<Request: WireMessage, Response: WireMessage>(
        _ method: MethodDescriptor, _ request: Request, options: CallOptions = CallOptions()
    ) async throws -> Response {
        try await unaryCall(method, request, options: options).message
    }

    /// Makes a server-streaming call; `handle` reads the responses.
    public func serverStreaming<Request: WireMessage, Response: WireMessage, Result: Sendable>(
        _ method: MethodDescriptor, _ request: Request, options: CallOptions = CallOptions(),
        _ handle: @escaping @Sendable (ResponseStream<Response>, Metadata) async throws -> Result
    ) async throws -> Result {
        let bytes = request.serializedBytes()
        return try await streaming(method, options: options, requests: { try await $0.write(bytes) }) { response in
            try await handle(
                ResponseStream(
                    response.messages, failureCode: .internal, elementLimit: WireReader.responseElementLimit),
                response.headers)
        }
    }

    /// Makes a client-streaming call; `requests` writes the requests.
    public func clientStreaming<Request: WireMessage, Response: WireMessage>(
        _ method: MethodDescriptor, options: CallOptions = CallOptions(),
        requests: @escaping @Sendable (RequestWriter<Request>) async throws -> Void
    ) async throws -> Response {
        try await streaming(method, options: options, requests: { try await requests(RequestWriter($0)) }) {
            response in
            var iterator = ResponseStream<Response>(
                response.messages, failureCode: .internal, elementLimit: WireReader.responseElementLimit
            ).makeAsyncIterator()
            guard let message = try await iterator.next() else {
                throw RPCError(.internal, "the server sent no response message")
            }
            while try await iterator.next() != nil {}
            return message
        }
    }

    /// Makes a bidirectional-streaming call; `requests` writes while `handle` reads.
    public func bidirectionalStreaming<Request: WireMessage, Response: WireMessage, Result: Sendable>(
        _ method: MethodDescriptor, options: CallOptions = CallOptions(),
        requests: @escaping @Sendable (RequestWriter<Request>) async throws -> Void,
        _ handle: @escaping @Sendable (ResponseStream<Response>, Metadata) async throws -> Result
    ) async throws -> Result {
        try await streaming(method, options: options, requests: { try await requests(RequestWriter($0)) }) {
            response in
            try await handle(
                ResponseStream(
                    response.messages, failureCode: .internal, elementLimit: WireReader.responseElementLimit),
                response.headers)
        }
    }

    /// Makes a streaming call on encoded messages.
    public func streaming<Result: Sendable>(
        _ method: MethodDescriptor, options: CallOptions,
        requests: @escaping @Sendable (MessageWriter) async throws -> Void,
        _ responses: @escaping @Sendable (StreamingResponse) async throws -> Result
    ) async throws -> Result {
        try await intercepted(method, options) { options in
            try await transport.streaming(method, options: options, requests: requests, responses: responses)
        }
    }

    private func intercepted<Result: Sendable>(
        _ method: MethodDescriptor, _ options: CallOptions,
        _ call: @escaping @Sendable (CallOptions) async throws -> Result
    ) async throws -> Result {
        let chain = interceptors.reversed().reduce(call) { next, interceptor in
            { @Sendable options in try await interceptor.intercept(method, options: options, next: next) }
        }
        return try await chain(options)
    }
}
