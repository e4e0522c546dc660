/// Everything a handler knows about its call besides the request: who, from where, until when.
///
/// Cancellation is Swift task cancellation: when the client cancels or the deadline passes, the
/// handler's task is cancelled.
public struct ServerContext: Sendable {
    /// The method called.
    public let method: MethodDescriptor
    /// The request's metadata (custom headers, `authorization`, `traceparent`).
    public var requestMetadata: Metadata
    /// When the call must finish, from `grpc-timeout`; `nil` for no deadline.
    public var deadline: ContinuousClock.Instant?
    /// The peer's address, such as `ipv4:127.0.0.1:53422` or `in-process`.
    public var peer: String
    /// The authenticated caller, once an interceptor established it.
    public var caller: Caller?
    /// Headers and trailers the handler wants to send.
    public let response: ResponseMetadata
    /// Whether the (unary) request message arrived compressed.
    public var requestWasCompressed = false

    /// A context for a call of `method`.
    public init(
        method: MethodDescriptor, requestMetadata: Metadata = [:], deadline: ContinuousClock.Instant? = nil,
        peer: String = "in-process", caller: Caller? = nil, response: ResponseMetadata = ResponseMetadata()
    ) {
        self.method = method
        self.requestMetadata = requestMetadata
        self.deadline = deadline
        self.peer = peer
        self.caller = caller
        self.response = response
    }
}
