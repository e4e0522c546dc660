import NIOCore
import NIOEmbedded
import RPC
import Testing

@testable import HTTP2

/// A regression: after a server's protocol error (a WINDOW_UPDATE overflowing the connection
/// window) nghttp2 ends the client session with GOAWAY, but the channel stayed open, so the call
/// on it and every later call waited for its deadline. The client now closes the connection once
/// its session has ended: the call fails UNAVAILABLE at once and the transport connects again.
/// The handler runs in an `EmbeddedChannel`; the server's frames are written as raw bytes.
@Suite struct ClientDeadSessionTests {
    /// An empty SETTINGS frame, then WINDOW_UPDATE on the connection by 2^31-1 (over the maximum
    /// window once added to the initial 65,535).
    static let overflowingServer: [UInt8] =
        [0, 0, 0, 4, 0, 0, 0, 0, 0] + [0, 0, 4, 8, 0, 0, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF]

    @Test func aSessionEndedByAProtocolErrorClosesTheConnectionAndFailsItsCalls() async throws {
        var closedAfterError = false
        var streamsLeft = -1
        let error = await #expect(throws: RPCError.self) {
            _ = try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<UnaryResponse, any Error>) in
                // Everything touching the embedded channel runs here, on one thread.
                guard
                    let handler = ClientConnectionHandler(
                        configuration: ClientConfiguration(), authority: "test", onGoaway: {})
                else {
                    waiter.resume(throwing: CancellationError())
                    return
                }
                let channel = EmbeddedChannel(handler: handler)
                do {
                    try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
                } catch {
                    waiter.resume(throwing: error)
                    return
                }
                handler.startUnary(
                    path: "/test.Echo/Unary", request: [1], options: CallOptions(), handle: CallHandle(), waiter: waiter
                )
                try? channel.writeInbound(ByteBuffer(bytes: Self.overflowingServer))
                closedAfterError = !channel.isActive
                streamsLeft = handler.streams.count
                // Without the fix the call would wait forever: closing here ends it either way.
                if channel.isActive { try? channel.close().wait() }
            }
        }
        #expect(closedAfterError, "the connection closed once nghttp2 ended the session")
        #expect(streamsLeft == 0)
        #expect(error?.code == .unavailable)
    }
}
