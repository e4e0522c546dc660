import CNGHTTP2
import NIOCore

/// The timeouts of a connection's life (``ConnectionLimits``): the handshake (TLS and the HTTP/2
/// preface with its SETTINGS), the first HEADERS, idleness (gRPC's MAX_CONNECTION_IDLE) and age
/// (MAX_CONNECTION_AGE with its grace). A connection that stalls in any phase is closed, so a
/// peer cannot hold a connection slot and a descriptor without using them.
extension ServerConnectionHandler {
    /// Starts the handshake timer and the age timer, once the connection is active.
    func startLifeTimers(context: ChannelHandlerContext) {
        guard lifeTimer == nil, !receivedSettings else { return }
        let limits = configuration.limits
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        lifeTimer = context.eventLoop.scheduleTask(in: TimeAmount(limits.handshakeTimeout)) {
            let handler = loopBound.value
            guard !handler.receivedSettings else { return }
            handler.context?.close(promise: nil)
        }
        if let age = limits.maximumAge {
            // Up to 10% later, so that connections opened together do not all go at once.
            let jittered = age + age * Double.random(in: 0...0.1)
            ageTimers.append(
                context.eventLoop.scheduleTask(in: TimeAmount(jittered)) {
                    loopBound.value.maximumAgeReached()
                })
        }
    }

    /// The peer's first SETTINGS arrived: the handshake is done; the first HEADERS is awaited.
    func peerSettingsReceived() {
        guard !receivedSettings else { return }
        receivedSettings = true
        lifeTimer?.cancel()
        lifeTimer = nil
        updateIdleTimer()
    }

    /// Whether calls hold the connection open: a handler runs, or a stream's header block is
    /// complete. A stream whose header block never completes (HEADERS without END_HEADERS, and no
    /// CONTINUATION) is no call: it keeps neither the first-HEADERS and idle timeouts nor a
    /// draining connection from closing it.
    var hasCallsInProgress: Bool {
        runningHandlers > 0 || streams.values.contains { $0.head != nil }
    }

    /// A stream's header block completed: the connection is in use.
    func streamBegan() {
        receivedHeaders = true
        idleSince = nil
    }

    /// Notes when the connection runs out of calls and makes sure a timer will look at it then:
    /// the first-HEADERS timeout before any call, MAX_CONNECTION_IDLE after. A timer that finds
    /// the connection busy lapses, and one that finds it idle for too short a time waits for the
    /// rest; so calls coming and going do not reschedule a timer each.
    func updateIdleTimer() {
        guard !hasCallsInProgress else {
            idleSince = nil
            return
        }
        // A closed connection schedules nothing: a timer would keep the handler alive.
        guard receivedSettings, !isGoingAway, !isShuttingDown, let context, context.channel.isActive else { return }
        let since = idleSince ?? context.eventLoop.now
        idleSince = since
        if lifeTimer == nil, let timeout = idleTimeout { scheduleIdleCheck(at: since + TimeAmount(timeout)) }
    }

    /// The idle time allowed now: before the first call, the first-HEADERS timeout.
    private var idleTimeout: Duration? {
        receivedHeaders ? configuration.limits.maximumIdleTime : configuration.limits.firstHeadersTimeout
    }

    private func scheduleIdleCheck(at deadline: NIODeadline) {
        guard let context else { return }
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        lifeTimer = context.eventLoop.scheduleTask(deadline: deadline) {
            loopBound.value.idleCheck()
        }
    }

    private func idleCheck() {
        lifeTimer = nil
        guard let since = idleSince, !isGoingAway, !isShuttingDown, let timeout = idleTimeout, let context else {
            return
        }
        let deadline = since + TimeAmount(timeout)
        guard deadline <= context.eventLoop.now else {
            scheduleIdleCheck(at: deadline)
            return
        }
        goAway(debug: receivedHeaders ? "max_idle" : "no_headers")
    }

    /// MAX_CONNECTION_AGE: GOAWAY (calls in flight go on), and the connection is closed once its
    /// calls are done or the grace period has passed.
    func maximumAgeReached() {
        guard !isGoingAway, !isShuttingDown, let context else { return }
        goAway(debug: "max_age")
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        ageTimers.append(
            context.eventLoop.scheduleTask(in: TimeAmount(configuration.limits.maximumAgeGrace) + Self.goawayRoundTrip)
            {
                loopBound.value.context?.close(promise: nil)
            })
    }

    /// How long after the shutdown notice the final GOAWAY follows.
    static let goawayRoundTrip = TimeAmount.milliseconds(100)

    /// GOAWAY in two steps, as gRPC servers do: a notice first (the client moves new calls to a
    /// new connection, and calls it sends meanwhile are still served), then, a round trip later,
    /// the final GOAWAY naming the last stream served. The connection closes once its calls are
    /// done.
    private func goAway(debug: String) {
        guard !isGoingAway, let context else { return }
        isGoingAway = true
        session.submitShutdownNotice()
        writePending(flush: true)
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        ageTimers.append(
            context.eventLoop.scheduleTask(in: Self.goawayRoundTrip) {
                let handler = loopBound.value
                guard !handler.isShuttingDown else { return }
                handler.isShuttingDown = true
                handler.session.submitGoaway(errorCode: NGHTTP2_NO_ERROR.rawValue, debug: debug)
                handler.writePending(flush: true)
            })
    }
}
