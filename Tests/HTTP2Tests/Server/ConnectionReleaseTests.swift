import NIOCore
import NIOEmbedded
import RPC
import Testing

@testable import HTTP2

/// A regression the connection fuzz target found: each connection handler kept its
/// `ChannelHandlerContext`, which keeps the handler, so a closed connection (its nghttp2 session,
/// streams and buffers, about 20 KB) was never freed. The handlers drop the context when removed.
@Suite struct ConnectionReleaseTests {
    @Test func aServerConnectionHandlerIsFreedOnceItsConnectionCloses() throws {
        weak var released: ServerConnectionHandler?
        do {
            let channel = try ServerConnectionHandlerTests.makeChannel()
            released = try channel.pipeline.syncOperations.handler(type: ServerConnectionHandler.self)
            let client = try ServerConnectionHandlerTests.TestClient()
            let id = try #require(client.request(path: "/test.Echo/Unary", message: [1]))
            try client.exchange(with: channel)
            #expect(client.closed[id] == 0)
            #expect(released != nil)
            _ = try channel.finish(acceptAlreadyClosed: true)
        }
        #expect(released == nil)
    }

    @Test func aClientConnectionHandlerIsFreedOnceItsConnectionCloses() throws {
        weak var released: ClientConnectionHandler?
        do {
            let made = ClientConnectionHandler(configuration: ClientConfiguration(), authority: "test", onGoaway: {})
            let handler = try #require(made)
            released = handler
            let channel = EmbeddedChannel(handler: handler)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            _ = try channel.finish(acceptAlreadyClosed: true)
        }
        #expect(released == nil)
    }
}
