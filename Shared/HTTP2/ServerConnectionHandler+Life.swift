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

    /// A stream began: the connection is in use.
    func streamBegan() {
        receivedHeaders = true
        lifeTimer?.cancel()
        lifeTimer = nil
    }

    /// Starts the idle timer when the connection has no call left (the first-HEADERS timer before
    /// any call), and cancels it when one starts.
    func updateIdleTimer() {
        // A closed connection schedules nothing: a timer would keep the handler alive.
        guard receivedSettings, !isShuttingDown, let context, context.channel.isActive else { return }
        let idle = streams.isEmpty && runningHandlers == 0
        guard idle else {
            lifeTimer?.cancel()
            lifeTimer = nil
            return
        }
        guard lifeTimer == nil else { return }
        let timeout: Duration
        let reason: String
        if receivedHeaders {
            guard let maximumIdleTime = configuration.limits.maximumIdleTime else { return }
            timeout = maximumIdleTime
            reason = "max_idle"
        } else {
            timeout = configuration.limits.firstHeadersTimeout
            reason = "no_headers"
        }
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        lifeTimer = context.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            let handler = loopBound.value
            handler.lifeTimer = nil
            guard handler.streams.isEmpty, handler.runningHandlers == 0, !handler.isShuttingDown else { return }
            handler.isShuttingDown = true
            handler.session.submitGoaway(errorCode: NGHTTP2_NO_ERROR.rawValue, debug: reason)
            handler.writePending(flush: true)
        }
    }

    /// MAX_CONNECTION_AGE: GOAWAY in two steps (calls started in between are still served), then
    /// the connection closes once its calls are done or the grace period has passed.
    func maximumAgeReached() {
        guard !isShuttingDown, let context else { return }
        session.submitShutdownNotice()
        writePending(flush: true)
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        ageTimers.append(
            context.eventLoop.scheduleTask(in: .milliseconds(100)) {
                let handler = loopBound.value
                guard !handler.isShuttingDown else { return }
                handler.isShuttingDown = true
                handler.session.submitGoaway(errorCode: NGHTTP2_NO_ERROR.rawValue, debug: "max_age")
                handler.writePending(flush: true)
            })
        ageTimers.append(
            context.eventLoop.scheduleTask(in: TimeAmount(configuration.limits.maximumAgeGrace) + .milliseconds(100)) {
                loopBound.value.context?.close(promise: nil)
            })
    }
}
