import CNGHTTP2
import NIOCore
import RPC

/// One HTTP/2 connection on the server: feeds the socket's bytes to an nghttp2 session, runs a
/// gRPC handler per stream, and writes what nghttp2 produces, coalesced into one write per
/// flush. Everything here runs on the connection's event loop.
///
/// Dispatch: a handler is started with `Task.immediate` on the event loop, inside the read that
/// completed its request, so a handler that does not suspend answers within that same read and
/// its reply leaves in the read's flush (no hop at all). Its task prefers the loop as its
/// executor (``EventLoopTaskExecutor``), so one that suspends resumes on the loop directly and
/// writes its reply there: one `EventLoop.execute`, not a hop through the global executor and
/// another to the loop. Measured with the echo benchmark, this is what lets the transport reach
/// gRPC C++'s throughput.
///
/// What a peer may cost is bounded by ``ConnectionLimits``: a call is routed and admitted (the
/// router's ``RPC/CallAdmission``s, authentication) on its HEADERS, before any of its body is
/// kept; request bytes count against the connection's and the server's budgets; windows reopen
/// only as handlers take messages; the connection's life is timed (`+Life`).
final class ServerConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The calls' semantics on `router`: routing, admission, deadlines, statuses.
    let executor: ServerCallExecutor
    let configuration: ServerConfiguration
    let session: NGHTTP2Session
    let allocator = ByteBufferAllocator()
    var context: ChannelHandlerContext?
    var streams: [Int32: ServerStream] = [:]
    /// Streams whose requests became ready during the current `receive`, started after it.
    var readyStreams: [Int32] = []
    /// Handlers running, including those whose stream already closed.
    var runningHandlers = 0
    var peer = "unknown"
    var isReading = false
    let output = SessionOutput()
    /// The connection's life: handshake, keepalive, PING abuse, idleness and age, shutdown
    /// (``ServerConnectionStateMachine``). The timers it asks for are below.
    var connection: ServerConnectionStateMachine
    /// Keepalive: the repeating check, and the timer that closes the connection if our PING
    /// goes unanswered.
    var keepaliveTask: RepeatedTask?
    var pingTimeout: Scheduled<Void>?
    /// Called once when the connection closes.
    let onClose: @Sendable () -> Void
    /// Request bytes buffered by this connection's streams, and the budget shared with the
    /// server's other connections (see ``ConnectionLimits``).
    var bufferedBytes = 0
    let budget: RequestBufferBudget
    /// Unsent response bytes of this connection's streams, the budget shared with the server's
    /// other connections, and the check that resets streams blocked on a zero window
    /// (`+ResponseBudget`).
    var responseBytes = 0
    let responseBudget: RequestBufferBudget
    var blockedSendCheck: RepeatedTask?
    /// The timer of the current phase (handshake, then first HEADERS or idle), and the age and
    /// GOAWAY timers.
    var lifeTimer: Scheduled<Void>?
    var ageTimers: [Scheduled<Void>] = []
    /// The executor the handlers' tasks prefer: the connection's event loop.
    var taskExecutor: EventLoopTaskExecutor?
    /// Told of every read served, when the server keeps its cores warm (``IdleSpinner``).
    let spinner: IdleSpinner?

    /// A connection serving `router`'s calls; `budget` (request bytes) and `responseBudget` are
    /// shared by the server's connections (budgets of its own when not given). Returns nil if
    /// nghttp2 cannot allocate a session.
    init?(
        router: Router, configuration: ServerConfiguration, budget: RequestBufferBudget? = nil,
        responseBudget: RequestBufferBudget? = nil, spinner: IdleSpinner? = nil,
        onClose: @escaping @Sendable () -> Void = {}
    ) {
        var limits = NGHTTP2Session.Limits()
        limits.maxConcurrentStreams = UInt32(clamping: configuration.maximumConcurrentStreams)
        limits.maxHeaderListSize = UInt32(clamping: configuration.maximumHeaderListSize)
        limits.initialWindowSize = UInt32(clamping: min(max(0, configuration.limits.initialWindowSize), Int(Int32.max)))
        limits.connectionWindowSize = Int32(clamping: max(65_535, configuration.limits.connectionWindowSize))
        guard let session = try? NGHTTP2Session(role: .server, limits: limits) else { return nil }
        self.executor = ServerCallExecutor(router: router, maximumTimeout: configuration.maximumDeadline)
        self.configuration = configuration
        self.session = session
        self.budget = budget ?? RequestBufferBudget(limit: configuration.limits.maximumBufferedBytes)
        self.responseBudget = responseBudget ?? RequestBufferBudget(limit: configuration.limits.maximumResponseBytes)
        self.onClose = onClose
        self.spinner = spinner
        self.connection = ServerConnectionStateMachine(
            firstHeadersTimeout: configuration.limits.firstHeadersTimeout,
            maximumIdleTime: configuration.limits.maximumIdleTime,
            maximumPingsWithoutData: configuration.keepalive.maximumPingsWithoutData)
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        taskExecutor = EventLoopTaskExecutor(context.eventLoop)
        if let address = context.channel.remoteAddress {
            peer = address.description
        }
        if context.channel.isActive { writePending(flush: true) }
    }

    /// The pipeline holds this handler through the context and the handler holds the context:
    /// dropping it here breaks that cycle, or every closed connection would stay in memory.
    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        writePending(flush: true)
        startKeepalive(context: context)
        startLifeTimers(context: context)
        startBlockedSendCheck(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        isReading = true
        connection.bytesReceived()
        let accepted = buffer.withUnsafeReadableBytes { session.receive($0, delegate: self) }
        startReadyStreams()
        if !accepted {
            // nghttp2 has queued a GOAWAY describing the protocol error; send it, then close.
            writePending(flush: true)
            context.close(promise: nil)
            return
        }
        writePending(flush: false)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        isReading = false
        writePending(flush: true)
        spinner?.noteActivity()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { writePending(flush: true) }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection.closed()
        keepaliveTask?.cancel()
        pingTimeout?.cancel()
        lifeTimer?.cancel()
        for timer in ageTimers { timer.cancel() }
        blockedSendCheck?.cancel()
        for stream in streams.values { abandon(stream) }
        streams.removeAll()
        onClose()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is GracefulShutdownEvent {
            beginGracefulShutdown()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// Whether calls hold the connection open: a handler runs, or a stream's header block is
    /// complete. A stream whose header block never completes (HEADERS without END_HEADERS, and no
    /// CONTINUATION) is no call: it keeps neither the first-HEADERS and idle timeouts nor a
    /// draining connection from closing it.
    var hasCalls: Bool {
        runningHandlers > 0
            || streams.values.contains { !$0.state.isReceivingHeaders }
    }

    // MARK: Output

    /// Writes nghttp2's output, flushing if asked, and closes the connection once it is done
    /// (drained after a graceful shutdown, or the session has ended).
    func writePending(flush: Bool) {
        guard let context else { return }
        updateIdleTimer()
        let drained = connection.shouldClose(hasCalls: hasCalls)
        let closing = drained || !session.isAlive
        guard output.drain(session, delegate: self, to: context, flush: flush || closing) else {
            context.close(promise: nil)
            return
        }
        if closing { context.close(promise: nil) }
    }

    /// Writes and flushes soon: at the end of the current read, or in one task for everything
    /// that completes before it runs.
    func scheduleFlush() {
        guard !isReading, !output.flushScheduled, let context else { return }
        output.flushScheduled = true
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute {
            let handler = loopBound.value
            handler.output.flushScheduled = false
            handler.writePending(flush: true)
            handler.spinner?.noteActivity()
        }
    }

    // MARK: Keepalive

    /// Every keepalive interval, a connection on which nothing arrived gets a PING; if its ACK does
    /// not arrive within the keepalive timeout, the connection is closed.
    private func startKeepalive(context: ChannelHandlerContext) {
        guard let interval = configuration.keepalive.interval, keepaliveTask == nil else { return }
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let timeout = TimeAmount(configuration.keepalive.timeout)
        keepaliveTask = context.eventLoop.scheduleRepeatedTask(
            initialDelay: TimeAmount(interval), delay: TimeAmount(interval)
        ) { _ in
            let handler = loopBound.value
            guard let context = handler.context, handler.connection.keepaliveTick() == .sendPing else { return }
            handler.session.submitPing(payload: 0x6B65_6570_616C_6976)  // "keepaliv"
            handler.writePending(flush: true)
            handler.pingTimeout = context.eventLoop.scheduleTask(in: timeout) {
                loopBound.value.context?.close(promise: nil)
            }
        }
    }

    /// Our PING was answered.
    func keepaliveAcknowledged() {
        _ = connection.pingAcknowledged()
        pingTimeout?.cancel()
        pingTimeout = nil
    }

    // MARK: Graceful shutdown

    /// Sends GOAWAY in two steps (a notice, then the last stream id after a round trip), lets
    /// streams in flight finish, and closes when none is left.
    func beginGracefulShutdown() {
        guard let context, connection.gracefulShutdownRequested() else { return }
        session.submitShutdownNotice()
        writePending(flush: true)
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: .milliseconds(100)) {
            let handler = loopBound.value
            handler.session.submitGoaway(errorCode: NGHTTP2_NO_ERROR.rawValue)
            handler.writePending(flush: true)
        }
    }

    /// Closes the connection once shutting down and no call remains; the check itself happens in
    /// ``writePending(flush:)``, never inside an nghttp2 callback.
    func closeIfDrained() {
        guard connection.isDraining else { return }
        scheduleFlush()
    }
}

/// Asks a server connection to shut down gracefully.
struct GracefulShutdownEvent: Sendable {}
