import NIOCore
import RPC

/// The HTTP/2 server's side of one call as ``RPC/ServerCallExecutor`` drives it: each step hops
/// to the connection's event loop, inline when the handler still runs on it.
struct HTTP2ServerCallStream: ServerCallStream {
    /// The connection carrying the call, bound to its event loop.
    let connection: NIOLoopBound<ServerConnectionHandler>
    let loop: any EventLoop
    let streamID: Int32

    /// The connection ends a call at its deadline with an event-loop timer.
    var endsCallsAtDeadline: Bool { true }

    /// Queues the message; resumes once the stream's outbound buffer has room.
    func send(_ message: [UInt8]) async throws {
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            if loop.inEventLoop {
                connection.value.write(message, streamID: streamID, waiter: waiter)
            } else {
                loop.execute { connection.value.write(message, streamID: streamID, waiter: waiter) }
            }
        }
    }

    /// Queues the last message, if any, and the status.
    func finish(_ outcome: ServerCallOutcome) {
        if loop.inEventLoop {
            connection.value.finishCall(streamID: streamID, outcome)
        } else {
            loop.execute { connection.value.finishCall(streamID: streamID, outcome) }
        }
    }
}
