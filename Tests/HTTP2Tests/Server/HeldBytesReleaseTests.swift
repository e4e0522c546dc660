import CNGHTTP2
import NIOCore
import NIOEmbedded
import RPC
import Testing

@testable import HTTP2

/// A regression: request bytes held back for a streaming handler that had not read its queued
/// message (inbound flow control) were never reported consumed when the client reset the
/// stream, because the release ran after the stream had left the connection's table. The
/// connection's receive window shrank by that much for good, and a connection whose window was
/// gone stalled every later call. The handler runs in an `EmbeddedChannel`; the peer is an
/// nghttp2 client session.
@Suite struct HeldBytesReleaseTests {
    typealias TestClient = ServerConnectionHandlerTests.TestClient

    static let hold = MethodDescriptor(service: "test.Held", method: "Hold", kind: .clientStreaming)
    static let echo = MethodDescriptor(service: "test.Held", method: "Echo", kind: .unary)

    /// A server connection with the smallest windows HTTP/2 allows (64 KiB, connection and
    /// stream), serving a streaming method whose handler never reads (and never returns, so that
    /// nothing leaves the event loop's thread) and a unary echo.
    static func makeServer() throws -> (EmbeddedChannel, ServerConnectionHandler) {
        var router = Router()
        router.register(
            ServerHandler(
                method: hold,
                body: .streaming { _, _, _ in
                    await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in }
                }))
        router.register(ServerHandler(method: echo, body: .unary { request, _ in request }))
        var configuration = ServerConfiguration(port: 0)
        configuration.limits.connectionWindowSize = 65_535
        configuration.limits.initialWindowSize = 65_535
        let handler = try #require(ServerConnectionHandler(router: router, configuration: configuration))
        let channel = EmbeddedChannel(handler: handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (channel, handler)
    }

    /// A framed gRPC message of `count` bytes.
    static func framed(_ count: Int) -> [UInt8] {
        [0] + withUnsafeBytes(of: UInt32(count).bigEndian, Array.init) + [UInt8](repeating: 7, count: count)
    }

    @Test func bytesHeldForAResetStreamReopenTheConnectionWindow() throws {
        let (channel, handler) = try Self.makeServer()
        let client = try TestClient()
        // The handler gets the first message and never reads it: the 56,000 bytes after it are
        // held, not consumed (most of the connection's 64 KiB window).
        let held = try #require(client.request(path: Self.hold.path, message: [1]))
        client.body[held]? += Self.framed(56_000)
        client.keepOpen.insert(held)
        try client.exchange(with: channel)
        #expect(client.body[held]?.isEmpty == true, "the whole body fit in the windows")
        #expect(client.headers[held] == nil, "the call is still running")

        client.session.resetStream(held, errorCode: NGHTTP2_CANCEL.rawValue)
        try client.exchange(with: channel)
        #expect(handler.bufferedBytes == 0)
        #expect(handler.budget.inUse == 0)

        // A call whose 40,000-byte request needs the window the reset stream held.
        let next = try #require(client.request(path: Self.echo.path, message: [UInt8](repeating: 9, count: 40_000)))
        try client.exchange(with: channel)
        #expect(client.body[next]?.isEmpty == true, "the connection window was given back")
        #expect(ServerConnectionHandlerTests.value("grpc-status", in: client.headers[next]?.last) == "0")
        #expect(client.data[next]?.count == 5 + 40_000)
    }
}
