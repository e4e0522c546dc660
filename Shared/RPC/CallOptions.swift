/// Per-call settings on the client side.
public struct CallOptions: Sendable {
    /// How long the call may take; sent as `grpc-timeout` and enforced on both sides.
    public var timeout: Duration?
    /// Metadata sent with the request.
    public var metadata: Metadata
    /// Whether the call may be retried on UNAVAILABLE (it changes nothing, or carries an
    /// idempotency key).
    public var isSafeToRetry: Bool
    /// Whether to compress request messages with gzip.
    public var compressRequests: Bool

    /// Options with the given settings; by default no timeout, no metadata, no retries.
    public init(
        timeout: Duration? = nil, metadata: Metadata = [:], isSafeToRetry: Bool = false, compressRequests: Bool = false
    ) {
        self.timeout = timeout
        self.metadata = metadata
        self.isSafeToRetry = isSafeToRetry
        self.compressRequests = compressRequests
    }
}
