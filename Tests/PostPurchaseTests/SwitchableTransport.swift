import RPC
import Synchronization

/// A real transport that a test can cut, as if the peer's process were down: while cut, every
/// call fails UNAVAILABLE before reaching it. Counts the unary calls that reached the peer.
final class SwitchableTransport: ClientTransport {
    private let inner: any ClientTransport
    private let cut = Mutex(false)
    private let passed = Mutex(0)

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

    private func check() throws {
        if cut.withLock({ $0 }) { throw RPCError(.unavailable, "peer is down") }
    }

    func unary(_ method: MethodDescriptor, request: [UInt8], options: CallOptions) async throws -> UnaryResponse {
        try check()
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
