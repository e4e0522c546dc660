import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import RPC

/// A gRPC server on HTTP/2: NIO owns the sockets and event loops, nghttp2 the protocol, and a
/// ``Router`` the handlers. Plaintext h2c with prior knowledge, or TLS 1.3 with ALPN `h2`.
/// Connections beyond ``ConnectionLimits/maximumConnections`` are closed as they are accepted;
/// the connections share one budget of buffered request bytes.
public final class HTTP2Server: Sendable {
    private let configuration: ServerConfiguration
    private let router: Router
    private let group: any EventLoopGroup
    /// A pthread lock (NIOLock), not `Synchronization.Mutex`: ThreadSanitizer sees a pthread
    /// mutex order the accesses it guards, while on Linux the futex inside `Mutex` is invisible
    /// to it and every guarded access from two event loops is reported as a race.
    private let state = NIOLockedValueBox<State>(State())
    /// Request bytes buffered by all connections (``ConnectionLimits/maximumBufferedBytes``).
    private let budget: RequestBufferBudget
    /// Unsent response bytes of all connections (``ConnectionLimits/maximumResponseBytes``).
    private let responseBudget: RequestBufferBudget

    private struct State {
        var listener: (any Channel)?
        var connections: [ObjectIdentifier: any Channel] = [:]
        var spinner: IdleSpinner?
    }

    /// A server for `router`'s handlers (intercept the router and set its admissions first) on
    /// `group`'s event loops.
    public init(
        configuration: ServerConfiguration, router: Router,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.router = router
        self.group = group
        self.budget = RequestBufferBudget(limit: configuration.limits.maximumBufferedBytes)
        self.responseBudget = RequestBufferBudget(limit: configuration.limits.maximumResponseBytes)
    }

    /// Binds and starts accepting connections; returns the port bound.
    @discardableResult
    public func start() async throws -> Int {
        let configuration = self.configuration
        let router = self.router
        let budget = self.budget
        let responseBudget = self.responseBudget
        let maximumConnections = configuration.limits.maximumConnections
        let tlsContext = try configuration.tls.map { try OpenSSLContext(server: $0) }
        let spinner = configuration.busyPoll.flatMap { window in
            window > .zero ? IdleSpinner(window: window, threads: Array(group.makeIterator()).count) : nil
        }
        state.withLockedValue { $0.spinner = spinner }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { [weak self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let id = ObjectIdentifier(channel)
                    let admitted =
                        self?.state.withLockedValue { state in
                            guard state.connections.count < maximumConnections else { return false }
                            state.connections[id] = channel
                            return true
                        } ?? false
                    guard admitted else {
                        // Over the connection limit: closed at once, before any byte is read.
                        channel.close(promise: nil)
                        return
                    }
                    let onClose: @Sendable () -> Void = { [weak self] in
                        _ = self?.state.withLockedValue { $0.connections.removeValue(forKey: id) }
                    }
                    guard
                        let handler = ServerConnectionHandler(
                            router: router, configuration: configuration, budget: budget,
                            responseBudget: responseBudget, spinner: spinner,
                            onClose: onClose)
                    else {
                        onClose()
                        throw RPCError(.resourceExhausted, "could not create an HTTP/2 session")
                    }
                    if let tlsContext {
                        try channel.pipeline.syncOperations.addHandler(
                            OpenSSLHandler(context: tlsContext, role: .server))
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        let listener: any Channel
        do {
            listener = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        } catch {
            spinner?.stop()
            throw error
        }
        state.withLockedValue { $0.listener = listener }
        return listener.localAddress?.port ?? configuration.port
    }

    /// Connections open now.
    public var connectionCount: Int {
        state.withLockedValue { $0.connections.count }
    }

    /// The port the server listens on, once started.
    public var port: Int? {
        state.withLockedValue { $0.listener?.localAddress?.port }
    }

    /// Stops accepting connections, sends GOAWAY on every connection, lets calls in flight
    /// finish for up to `gracePeriod`, then closes whatever is left. It waits on the connections'
    /// close futures (and on the grace period's timer), not by polling: it returns as soon as the
    /// last connection has closed. A connection accepted while it waits is told to go away too.
    public func shutdown(gracePeriod: Duration = .seconds(10)) async {
        let listener = state.withLockedValue { $0.listener }
        defer { state.withLockedValue { $0.spinner?.stop() } }
        try? await listener?.close()
        let loop = group.next()
        let graceEnds = NIODeadline.now() + .nanoseconds(gracePeriod.saturatingNanoseconds)
        // Connections seen closed (a closed one leaves `connections` a moment after its close).
        var closed = Set<ObjectIdentifier>()
        while true {
            let open = state.withLockedValue { $0.connections }.filter { !closed.contains($0.key) }
            guard !open.isEmpty else { break }
            for connection in open.values {
                connection.pipeline.fireUserInboundEventTriggered(GracefulShutdownEvent())
            }
            // Whichever comes first: every one of these connections closed, or the grace ended.
            let outcome = loop.makePromise(of: Bool.self)
            let timer = loop.scheduleTask(deadline: graceEnds) { outcome.succeed(false) }
            EventLoopFuture.andAllComplete(open.values.map(\.closeFuture), on: loop).whenComplete { _ in
                timer.cancel()
                outcome.succeed(true)
            }
            guard (try? await outcome.futureResult.get()) == true else { break }
            closed.formUnion(open.keys)
        }
        let remaining = state.withLockedValue { Array($0.connections.values) }
        for connection in remaining { try? await connection.close() }
    }
}
