import CNGHTTP2
import NIOCore

/// The timeouts of a connection's life (``ConnectionLimits``): the handshake (TLS and the HTTP/2
/// preface with its SETTINGS), the first HEADERS, idleness (gRPC's MAX_CONNECTION_IDLE) and age
/// (MAX_CONNECTION_AGE with its grace). A connection that stalls in any phase is closed, so a
/// peer cannot hold a connection slot and a descriptor without using them.
extension ServerConnectionHandler {
    /// Starts the handshake timer and the age timer, once the connection is active.
    func startLifeTimers(context: ChannelHandlerContext) {
        guard lifeTimer == nil, connection.phase == .handshaking else { return }
        let limits = configuration.limits
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        lifeTimer = context.eventLoop.scheduleTask(in: TimeAmount(limits.handshakeTimeout)) {
            let handler = loopBound.value
            guard handler.connection.phase == .handshaking else { return }
            handler.context?.close(promise: nil)
        }
        if let age = limits.maximumAge {
            let jitter = min(1, max(0, limits.maximumAgeJitter))
            let jittered = age + age * Double.random(in: 0...jitter)
            ageTimers.append(
                context.eventLoop.scheduleTask(in: TimeAmount(jittered)) {
                    loopBound.value.maximumAgeReached()
                })
        }
    }

    /// The peer's SETTINGS arrived: the first time, the handshake is done and the first HEADERS
    /// is awaited.
    func peerSettingsReceived() {
        guard connection.settingsReceived() else { return }
        lifeTimer?.cancel()
        lifeTimer = nil
        updateIdleTimer()
    }

    /// A stream's header block completed: the connection is in use.
    func streamBegan() {
        connection.streamOpened()
    }

    /// Notes when the connection runs out of calls and makes sure a timer will look at it then:
    /// the first-HEADERS timeout before any call, MAX_CONNECTION_IDLE after. A timer that finds
    /// the connection busy lapses, and one that finds it idle for too short a time waits for the
    /// rest; so calls coming and going do not reschedule a timer each.
    func updateIdleTimer() {
        // A closed connection schedules nothing: a timer would keep the handler alive.
        guard let context else { return }
        let hasCalls = hasCalls
        guard hasCalls || context.channel.isActive else { return }
        let due = connection.callsChanged(hasCalls: hasCalls, now: context.eventLoop.now)
        if lifeTimer == nil, let due { scheduleIdleCheck(at: due) }
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
        guard let context else { return }
        switch connection.idleCheck(now: context.eventLoop.now) {
        case .none: break
        case .recheck(let deadline): scheduleIdleCheck(at: deadline)
        case .goAway(let debug): goAway(debug: debug)
        }
    }

    /// MAX_CONNECTION_AGE: GOAWAY (calls in flight go on), and the connection is closed once its
    /// calls are done or the grace period has passed.
    func maximumAgeReached() {
        guard let context, goAway(debug: "max_age") else { return }
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
    /// done. Returns false if the connection was already going.
    @discardableResult
    private func goAway(debug: String) -> Bool {
        guard let context, connection.goAway(debug: debug) else { return false }
        session.submitShutdownNotice()
        writePending(flush: true)
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        ageTimers.append(
            context.eventLoop.scheduleTask(in: Self.goawayRoundTrip) {
                let handler = loopBound.value
                guard let debug = handler.connection.finalGoAwayDue() else { return }
                handler.session.submitGoaway(errorCode: NGHTTP2_NO_ERROR.rawValue, debug: debug)
                handler.writePending(flush: true)
            })
        return true
    }
}
