/// What a peer may cost the server, before and after it is authenticated. Every field has a
/// default a public deployment can keep.
///
/// Before authentication a peer costs a connection slot, one header block per stream and the
/// flow-control windows advertised here: a call that is not admitted (no or bad token) is answered
/// on its HEADERS, and DATA that arrives for it within the window is dropped, not kept.
///
/// Request bytes received but not yet handed to a handler (or, for a unary call, held until its
/// handler returns) count against two budgets: one per connection and one shared by every
/// connection of the server. A DATA frame that would exceed either is not queued: its call is
/// answered RESOURCE_EXHAUSTED at once and its bytes are released. Refusing, rather than no
/// longer reopening windows, is deliberate: calls that each wait for buffer space that another
/// waiting call holds would wait forever, while a refusal frees the space at once and tells the
/// caller to retry.
///
/// The budgets count request bytes; the buffers that hold them grow by doubling, so the memory
/// they take can reach about twice the budget.
///
/// Response bytes a handler has written but nghttp2 has not yet sent (a peer that stops reading,
/// or advertises a zero window) count against two more budgets, per connection and per server.
/// A response message that would exceed either resets its stream with ENHANCE_YOUR_CALM (gRPC
/// clients report RESOURCE_EXHAUSTED), fails the handler's write and releases the stream's unsent
/// bytes; a stream whose response waits on a zero window longer than ``maximumBlockedSendTime`` is
/// reset the same way.
public struct ConnectionLimits: Sendable, Equatable {
    /// SETTINGS_INITIAL_WINDOW_SIZE: request bytes a peer may send on one stream before the
    /// server has consumed any (64 KiB).
    public var initialWindowSize: Int
    /// The connection's receive window: request bytes a peer may have in flight over all its
    /// streams (1 MiB).
    public var connectionWindowSize: Int
    /// Request bytes one connection may have buffered (16 MiB).
    public var maximumBufferedBytesPerConnection: Int
    /// Request bytes all connections of the server together may have buffered (64 MiB).
    public var maximumBufferedBytes: Int
    /// Unsent response bytes one connection may hold (16 MiB).
    public var maximumResponseBytesPerConnection = 16 * 1024 * 1024
    /// Unsent response bytes all connections of the server together may hold (64 MiB).
    public var maximumResponseBytes = 64 * 1024 * 1024
    /// How long a stream's unsent response may wait on a zero flow-control window before the
    /// stream is reset (30 s); nil never.
    public var maximumBlockedSendTime: Duration? = .seconds(30)
    /// Connections open at once; one more is closed as soon as it is accepted (1,024).
    public var maximumConnections: Int
    /// Time for the TLS handshake and the HTTP/2 preface with its SETTINGS (10 s).
    public var handshakeTimeout: Duration
    /// Time from the preface to the first HEADERS; then GOAWAY and close (20 s).
    public var firstHeadersTimeout: Duration
    /// gRPC's MAX_CONNECTION_IDLE: a connection without calls for this long gets GOAWAY and is
    /// closed (5 minutes); nil never.
    public var maximumIdleTime: Duration?
    /// gRPC's MAX_CONNECTION_AGE: a connection this old (plus up to ``maximumAgeJitter`` of it)
    /// gets GOAWAY (30 minutes); nil never.
    public var maximumAge: Duration?
    /// The largest fraction of ``maximumAge`` added at random to each connection's age, so that
    /// connections opened together do not all go at once (0.1, as gRPC does).
    public var maximumAgeJitter = 0.1
    /// gRPC's MAX_CONNECTION_AGE_GRACE: how long calls in flight may finish after the age GOAWAY
    /// before the connection is closed (1 minute).
    public var maximumAgeGrace: Duration

    /// Limits with every default above unless given.
    public init(
        initialWindowSize: Int = 64 * 1024, connectionWindowSize: Int = 1024 * 1024,
        maximumBufferedBytesPerConnection: Int = 16 * 1024 * 1024, maximumBufferedBytes: Int = 64 * 1024 * 1024,
        maximumConnections: Int = 1_024, handshakeTimeout: Duration = .seconds(10),
        firstHeadersTimeout: Duration = .seconds(20), maximumIdleTime: Duration? = .seconds(300),
        maximumAge: Duration? = .seconds(1_800), maximumAgeGrace: Duration = .seconds(60)
    ) {
        self.initialWindowSize = initialWindowSize
        self.connectionWindowSize = connectionWindowSize
        self.maximumBufferedBytesPerConnection = maximumBufferedBytesPerConnection
        self.maximumBufferedBytes = maximumBufferedBytes
        self.maximumConnections = maximumConnections
        self.handshakeTimeout = handshakeTimeout
        self.firstHeadersTimeout = firstHeadersTimeout
        self.maximumIdleTime = maximumIdleTime
        self.maximumAge = maximumAge
        self.maximumAgeGrace = maximumAgeGrace
    }
}
