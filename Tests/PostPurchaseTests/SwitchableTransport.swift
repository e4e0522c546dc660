import RPC
import Synchronization

/// A real transport that a test can cut, as if the peer's process were down: while cut, every
/// call fails UNAVAILABLE before reaching it. Counts the unary calls that reached the peer.
final class SwitchableTransport: ClientTransport {
    private let inner: any ClientTransport
    private let cut = Mutex(false)
    private let passed = Mutex(0)
    private let hold = Mutex(false)
    private let held = Mutex(0)

    /// How many unary calls reached the peer.
    var unaryCallsPassed: Int {
        passed.withLock { $0 }
    }

    /// A switch in front of `inner`.
    init(_ inner: any ClientTransport) {
        self.inner = inner
    }

    /// Cuts or restores the connection.
    func setDown(_ down: Bool) {
        cut.withLock { $0 = down }
    }

    /// Makes unary calls hang (until their task is cancelled) instead of reaching the peer: a
    /// caller stuck there is as good as dead to everyone else.
    func setHeld(_ holding: Bool) {
        hold.withLock { $0 = holding }
    }

    /// How many unary calls are hanging, or hung, on ``setHeld(_:)``.
    var unaryCallsHeld: Int {
        held.withLock { $0 }
    }

    private func check() throws {
        if cut.withLock({ $0 }) { throw RPCError(.unavailable, "peer is down") }
    }

    func unary(_ method: MethodDescriptor, request: [UInt8], options: CallOptions) async throws -> UnaryResponse {
        try check()
        if hold.withLock({ $0 }) {
            held.withLock { $0 += 1 }
            try await Task.sleep(for: .seconds(86_400))
            throw RPCError(.deadlineExceeded, "held")
        }
        passed.withLock { $0 += 1 }
        return try await inner.unary(method, request: request, options: options)
    }

    func streaming<Result: Sendable>(
        _ method: MethodDescriptor, options: CallOptions,
        requests: @escaping @Sendable (MessageWriter) async throws -> Void,
        responses: @escaping @Sendable (StreamingResponse) async throws -> Result
    ) async throws -> Result {
        try check()
        return try await inner.streaming(method, options: options, requests: requests, responses: responses)
    }
}
