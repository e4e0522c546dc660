/// Settings of a gRPC server.
public struct ServerConfiguration: Sendable {
    /// The address to listen on.
    public var host: String
    /// The port; 0 picks a free one.
    public var port: Int
    /// The largest request message accepted; larger ones get RESOURCE_EXHAUSTED (4 MiB).
    public var maximumReceiveMessageSize: Int
    /// SETTINGS_MAX_CONCURRENT_STREAMS, and the cap on handlers running per connection (100).
    public var maximumConcurrentStreams: Int
    /// The largest request header list accepted (16 KiB).
    public var maximumHeaderListSize: Int
    /// TLS, or nil for plaintext HTTP/2 with prior knowledge (h2c).
    public var tls: TLSConfiguration?
    /// How often an idle connection is pinged, and how long the reply may take.
    public var keepalive: Keepalive
    /// Deadlines longer than this (from `grpc-timeout`) are shortened to it, not refused (1 hour).
    public var maximumDeadline: Duration
    /// What a peer may cost before it is trusted: flow-control windows, buffered request bytes,
    /// connections and the timeouts of a connection's life.
    public var limits: ConnectionLimits
    /// After serving a read, keep the server's cores from going idle for this long, so that
    /// the next request does not wait for a sleeping core to wake (``IdleSpinner``). It uses
    /// only otherwise idle CPU, but that CPU counts against a CPU quota; nil (the default) is off.
    public var busyPoll: Duration?

    /// Keepalive and PING abuse limits.
    public struct Keepalive: Sendable {
        /// Ping a connection after this long without frames; nil never pings.
        public var interval: Duration?
        /// Close the connection if the ping is not answered within this.
        public var timeout: Duration
        /// Pings a client may send without any stream activity before the connection is
        /// closed with GOAWAY ENHANCE_YOUR_CALM.
        public var maximumPingsWithoutData: Int

        /// Two-hour pings, 20-second timeout, 10 idle client pings allowed.
        public init(
            interval: Duration? = .seconds(7_200), timeout: Duration = .seconds(20), maximumPingsWithoutData: Int = 10
        ) {
            self.interval = interval
            self.timeout = timeout
            self.maximumPingsWithoutData = maximumPingsWithoutData
        }
    }

    /// A configuration listening on `host:port` with gRPC's usual defaults.
    public init(
        host: String = "127.0.0.1", port: Int, maximumReceiveMessageSize: Int = 4 * 1024 * 1024,
        maximumConcurrentStreams: Int = 100, maximumHeaderListSize: Int = 16 * 1024, tls: TLSConfiguration? = nil,
        keepalive: Keepalive = Keepalive(), maximumDeadline: Duration = .seconds(3_600),
        limits: ConnectionLimits = ConnectionLimits(), busyPoll: Duration? = nil
    ) {
        self.host = host
        self.port = port
        self.maximumReceiveMessageSize = maximumReceiveMessageSize
        self.maximumConcurrentStreams = maximumConcurrentStreams
        self.maximumHeaderListSize = maximumHeaderListSize
        self.tls = tls
        self.keepalive = keepalive
        self.maximumDeadline = maximumDeadline
        self.limits = limits
        self.busyPoll = busyPoll
    }
}
