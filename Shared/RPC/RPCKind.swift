/// The four shapes of a gRPC method.
public enum RPCKind: Sendable, Hashable {
    /// One request, one response.
    case unary
    /// A stream of requests, one response.
    case clientStreaming
    /// One request, a stream of responses.
    case serverStreaming
    /// Streams both ways.
    case bidirectionalStreaming
}
