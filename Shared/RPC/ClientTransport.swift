/// Carries calls from a client to a server: over HTTP/2, or in process for tests.
public protocol ClientTransport: Sendable {
    /// Makes a unary call with an encoded request.
    func unary(_ method: MethodDescriptor, request: [UInt8], options: CallOptions) async throws -> UnaryResponse

    /// Makes a streaming call: `requests` writes the request messages (the request stream ends
    /// when it returns), and `responses` reads the response stream once the headers arrived.
    /// A non-OK status is thrown as an ``RPCError`` (from the stream or from this call).
    func streaming<Result: Sendable>(
        _ method: MethodDescriptor, options: CallOptions,
        requests: @escaping @Sendable (MessageWriter) async throws -> Void,
        responses: @escaping @Sendable (StreamingResponse) async throws -> Result
    ) async throws -> Result
}

/// The answer to a successful unary call.
public struct UnaryResponse: Sendable {
    /// The encoded response message.
    public var message: [UInt8]
    /// The server's initial metadata.
    public var headers: Metadata
    /// The server's trailing metadata.
    public var trailers: Metadata

    /// A response of `message` with its metadata.
    public init(message: [UInt8], headers: Metadata = [:], trailers: Metadata = [:]) {
        self.message = message
        self.headers = headers
        self.trailers = trailers
    }
}
