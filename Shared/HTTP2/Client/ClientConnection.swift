import NIOCore
import NIOPosix
import RPC
import Synchronization

/// The connection to one server address: opened on first use, reused and multiplexed by every
/// call, reopened after it closes or the server sends GOAWAY, and after a failed attempt left
/// alone for a backoff delay during which calls fail fast with UNAVAILABLE.
final class ClientConnection: Sendable {
    /// An open connection and its handler.
    struct Ready: Sendable {
        let channel: any Channel
        let handler: NIOLoopBound<ClientConnectionHandler>
    }

    private enum State {
        case idle
        case connecting([CheckedContinuation<Ready, any Error>])
        case ready(Ready)
        case backingOff(until: ContinuousClock.Instant, reason: String)
        case closed
    }

    let host: String
    let port: Int
    private let configuration: ClientConfiguration
    private let tls: OpenSSLContext?
    private let group: any EventLoopGroup
    private let state = Mutex<(state: State, backoff: ConnectionBackoff)>((.idle, ConnectionBackoff()))

    init(host: String, port: Int, configuration: ClientConfiguration, tls: OpenSSLContext?, group: any EventLoopGroup) {
        self.host = host
        self.port = port
        self.configuration = configuration
        self.tls = tls
        self.group = group
    }

    /// Whether a call may be sent this way now: open, opening, or worth opening (not backing off
    /// after a failure, not closed).
    var isUsable: Bool {
        state.withLock { current in
            switch current.state {
            case .ready, .idle, .connecting: true
            case .backingOff(let until, _): ContinuousClock.now >= until
            case .closed: false
            }
        }
    }

    /// The open connection, opening it if needed.
    func ready() async throws -> Ready {
        enum Decision {
            case use(Ready)
            case fail(String)
            case wait
            case connect
        }
        return try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Ready, any Error>) in
            let decision: Decision = state.withLock { current in
                switch current.state {
                case .ready(let ready):
                    return .use(ready)
                case .connecting(var waiters):
                    waiters.append(waiter)
                    current.state = .connecting(waiters)
                    return .wait
                case .backingOff(let until, let reason) where ContinuousClock.now < until:
                    return .fail(reason)
                case .closed:
                    return .fail("the client is closed")
                case .idle, .backingOff:
                    current.state = .connecting([waiter])
                    return .connect
                }
            }
            switch decision {
            case .use(let ready): waiter.resume(returning: ready)
            case .fail(let reason): waiter.resume(throwing: RPCError(.unavailable, reason))
            case .wait: break
            case .connect: connect()
            }
        }
    }

    /// Closes the connection; calls in flight fail with UNAVAILABLE.
    func close() {
        let channel: (any Channel)? = state.withLock { current in
            defer { current.state = .closed }
            if case .ready(let ready) = current.state { return ready.channel }
            return nil
        }
        channel?.close(promise: nil)
    }

    private func connect() {
        let configuration = self.configuration
        let tls = self.tls
        let authority = "\(host):\(port)"
        let onGoaway: @Sendable () -> Void = { [weak self] in self?.forgetConnection() }
        let bootstrap = ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(OpenSSLHandler(context: tls, role: .client))
                    }
                    guard
                        let handler = ClientConnectionHandler(
                            configuration: configuration, authority: authority, onGoaway: onGoaway)
                    else { throw RPCError(.resourceExhausted, "could not create an HTTP/2 session") }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        bootstrap.connect(host: host, port: port).flatMap { channel in
            channel.eventLoop.makeCompletedFuture {
                let handler = try channel.pipeline.syncOperations.handler(type: ClientConnectionHandler.self)
                return Ready(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
            }
        }.whenComplete { [self] result in
            switch result {
            case .success(let ready):
                let waiters: [CheckedContinuation<Ready, any Error>] = state.withLock { current in
                    guard case .connecting(let waiters) = current.state else { return [] }
                    current.state = .ready(ready)
                    current.backoff.reset()
                    return waiters
                }
                ready.channel.closeFuture.whenComplete { [weak self] _ in self?.forget(ready.channel) }
                for waiter in waiters { waiter.resume(returning: ready) }
            case .failure(let error):
                let reason = "cannot connect to \(authority): \(error)"
                let waiters: [CheckedContinuation<Ready, any Error>] = state.withLock { current in
                    guard case .connecting(let waiters) = current.state else { return [] }
                    current.state = .backingOff(until: .now + current.backoff.nextDelay(), reason: reason)
                    return waiters
                }
                for waiter in waiters { waiter.resume(throwing: RPCError(.unavailable, reason)) }
            }
        }
    }

    /// The server sent GOAWAY: new calls open a new connection; the old one drains and closes.
    private func forgetConnection() {
        state.withLock { current in
            if case .ready = current.state { current.state = .idle }
        }
    }

    private func forget(_ channel: any Channel) {
        state.withLock { current in
            if case .ready(let ready) = current.state, ready.channel === channel { current.state = .idle }
        }
    }
}
