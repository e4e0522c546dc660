/// Settings of a gRPC client transport.
public struct ClientConfiguration: Sendable {
    /// TLS, or nil for plaintext HTTP/2 with prior knowledge (h2c).
    public var tls: TLSConfiguration?
    /// The largest response message accepted (4 MiB).
    public var maximumReceiveMessageSize: Int
    /// How long a connection attempt may take.
    public var connectTimeout: Duration
    /// How many times a call marked safe to retry is attempted in all when it fails UNAVAILABLE.
    public var maximumAttempts: Int
    /// The `user-agent` sent with every call.
    public var userAgent: String

    /// A configuration with gRPC's usual defaults.
    public init(
        tls: TLSConfiguration? = nil, maximumReceiveMessageSize: Int = 4 * 1024 * 1024,
        connectTimeout: Duration = .seconds(5), maximumAttempts: Int = 3,
        userAgent: String = "support-platform-grpc/1.0"
    ) {
        self.tls = tls
        self.maximumReceiveMessageSize = maximumReceiveMessageSize
        self.connectTimeout = connectTimeout
        self.maximumAttempts = maximumAttempts
        self.userAgent = userAgent
    }
}
