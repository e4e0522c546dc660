import NIOCore

/// The life of a server connection, as a value: the handshake, keepalive, PING abuse, idleness
/// and age, and the two-step GOAWAY of a graceful shutdown. Each event the handler sees returns
/// what to do; the timers themselves stay with the handler (``ServerConnectionHandler``+Life).
///
/// Phases: `handshaking` until the peer's SETTINGS, `active` while serving, `goingAway` once the
/// shutdown notice is sent for idleness or age (calls still arrive and are served), `draining`
/// once new calls are refused and the connection closes when its last call is done, `closed`.
struct ServerConnectionStateMachine {
    /// Where the connection is.
    enum Phase: Equatable {
        /// Waiting for the peer's first SETTINGS.
        case handshaking
        /// Serving calls.
        case active
        /// The shutdown notice is out (idleness or age); the final GOAWAY follows a round trip
        /// later with `debug`.
        case goingAway(debug: String)
        /// New calls are refused; the connection closes once no call is left.
        case draining
        /// The channel is gone.
        case closed
    }

    /// What to do at a keepalive tick.
    enum KeepaliveAction: Equatable {
        /// Something arrived since the last tick, or our PING is still out: nothing.
        case none
        /// Send a PING and start its timeout.
        case sendPing
    }

    /// What to do with a PING from the peer.
    enum PingAction: Equatable {
        /// Within the limit.
        case none
        /// Too many PINGs without a call: GOAWAY(ENHANCE_YOUR_CALM, "too_many_pings").
        case goAwayTooManyPings
    }

    /// What to do when the idle timer fires.
    enum IdleCheckAction: Equatable {
        /// The connection is busy, or already going away: the timer lapses.
        case none
        /// Idle, but not for long enough yet: look again at `deadline`.
        case recheck(at: NIODeadline)
        /// Idle for too long: go away with `debug` ("no_headers" before any call, "max_idle").
        case goAway(debug: String)
    }

    /// The idle time allowed before the first HEADERS, and after calls (nil: unlimited).
    let firstHeadersTimeout: Duration?
    let maximumIdleTime: Duration?
    /// How many PINGs a peer may send without a call in between.
    let maximumPingsWithoutData: Int

    private(set) var phase = Phase.handshaking
    /// Whether any HEADERS has arrived.
    private(set) var receivedHeaders = false
    /// Since when the connection has had no call (nil while it has one).
    private(set) var idleSince: NIODeadline?
    /// PINGs from the peer since the last stream activity.
    private(set) var pingsWithoutData = 0
    /// Whether anything arrived since the last keepalive tick, and whether our PING is out.
    private(set) var receivedSinceKeepalive = false
    private(set) var awaitingPingAck = false

    /// A connection whose socket just opened.
    init(firstHeadersTimeout: Duration?, maximumIdleTime: Duration?, maximumPingsWithoutData: Int) {
        self.firstHeadersTimeout = firstHeadersTimeout
        self.maximumIdleTime = maximumIdleTime
        self.maximumPingsWithoutData = maximumPingsWithoutData
    }

    /// Whether new calls are refused and the connection closes once it has none.
    var isDraining: Bool {
        switch phase {
        case .draining, .closed: return true
        case .handshaking, .active, .goingAway: return false
        }
    }

    /// Whether the connection serves calls and its idleness and age are still watched.
    private var isServing: Bool { phase == .active }

    /// The idle time allowed now: before the first call, the first-HEADERS timeout.
    var idleTimeout: Duration? { receivedHeaders ? maximumIdleTime : firstHeadersTimeout }

    // MARK: Events

    /// Bytes arrived from the peer.
    mutating func bytesReceived() {
        receivedSinceKeepalive = true
    }

    /// The peer's SETTINGS arrived: returns true the first time (the handshake is done; its
    /// timer is cancelled).
    mutating func settingsReceived() -> Bool {
        guard phase == .handshaking else { return false }
        phase = .active
        return true
    }

    /// A stream began: the connection is in use.
    mutating func streamOpened() {
        receivedHeaders = true
        idleSince = nil
        pingsWithoutData = 0
    }

    /// Request DATA arrived on a live call.
    mutating func dataReceived() {
        pingsWithoutData = 0
    }

    /// The number of calls may have changed. Returns the deadline at which an idle check is due
    /// if the connection has just become (or stays) idle while it is watched, else nil.
    mutating func callsChanged(hasCalls: Bool, now: NIODeadline) -> NIODeadline? {
        guard !hasCalls else {
            idleSince = nil
            return nil
        }
        guard isServing else { return nil }
        let since = idleSince ?? now
        idleSince = since
        return idleTimeout.map { since + TimeAmount($0) }
    }

    /// The idle timer fired at `now`.
    func idleCheck(now: NIODeadline) -> IdleCheckAction {
        guard isServing, let since = idleSince, let timeout = idleTimeout else { return .none }
        let deadline = since + TimeAmount(timeout)
        guard deadline <= now else { return .recheck(at: deadline) }
        return .goAway(debug: receivedHeaders ? "max_idle" : "no_headers")
    }

    /// Idleness or age asks the connection to go: returns true when the shutdown notice is to be
    /// sent now (and the final GOAWAY a round trip later), false if it is already going.
    mutating func goAway(debug: String) -> Bool {
        guard phase == .active || phase == .handshaking else { return false }
        phase = .goingAway(debug: debug)
        return true
    }

    /// MAX_CONNECTION_AGE passed: returns true when the connection is to go away now.
    mutating func maximumAgeReached() -> Bool {
        goAway(debug: "max_age")
    }

    /// A round trip after the notice of ``goAway(debug:)``: the debug data of the final GOAWAY
    /// to send, or nil if a shutdown already took over.
    mutating func finalGoAwayDue() -> String? {
        guard case .goingAway(let debug) = phase else { return nil }
        phase = .draining
        return debug
    }

    /// A graceful shutdown was asked for: returns true when the notice is to be sent now (and
    /// the final GOAWAY a round trip later), false if already draining.
    mutating func gracefulShutdownRequested() -> Bool {
        guard !isDraining else { return false }
        phase = .draining
        return true
    }

    /// A PING arrived from the peer.
    mutating func pingReceived() -> PingAction {
        pingsWithoutData += 1
        guard pingsWithoutData > maximumPingsWithoutData else { return .none }
        if phase != .closed { phase = .draining }
        return .goAwayTooManyPings
    }

    /// The keepalive interval passed.
    mutating func keepaliveTick() -> KeepaliveAction {
        guard !receivedSinceKeepalive else {
            receivedSinceKeepalive = false
            return .none
        }
        guard !awaitingPingAck, phase != .closed else { return .none }
        awaitingPingAck = true
        return .sendPing
    }

    /// Our PING was answered: returns true if one was out (its timeout is cancelled).
    mutating func pingAcknowledged() -> Bool {
        defer { awaitingPingAck = false }
        return awaitingPingAck
    }

    /// Whether the connection is to close now: draining with no call left.
    func shouldClose(hasCalls: Bool) -> Bool {
        isDraining && !hasCalls
    }

    /// The channel closed.
    mutating func closed() {
        phase = .closed
    }
}
