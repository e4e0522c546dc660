import HTTP2
import NIOCore
import NIOEmbedded
import RPC

/// The server's connection handler fed raw bytes, as a client's socket would deliver them, in an
/// `EmbeddedChannel` (no sockets, no threads) with a small router: a unary echo and a method that
/// always fails. After the bytes, the loop runs every task and timer due within a day (deadlines,
/// keepalive, graceful-shutdown steps), then the connection closes. Nothing may crash, and once
/// the channel is gone the handler must be gone too (a retain cycle would keep every connection
/// in memory).
public enum ConnectionTarget {
    /// The methods served.
    static let router: Router = {
        var router = Router()
        router.register(
            ServerHandler(
                method: MethodDescriptor(service: "fuzz.Echo", method: "Unary", kind: .unary),
                body: .unary { request, _ in request }))
        router.register(
            ServerHandler(
                method: MethodDescriptor(service: "fuzz.Echo", method: "Fail", kind: .unary),
                body: .unary { _, _ in throw RPCError(.invalidArgument, "always fails") }))
        return router
    }()

    /// A small message limit, so the fuzzer reaches the oversized-message path with small inputs.
    static let configuration = ServerConfiguration(port: 0, maximumReceiveMessageSize: 1_024)

    /// Feeds `bytes` to a new connection.
    public static func check(_ bytes: UnsafeRawBufferPointer) -> String? {
        weak var handler: (any ChannelHandler)?
        if let problem = run(bytes, &handler) { return problem }
        guard handler == nil else { return "the connection handler outlived its closed channel" }
        return nil
    }

    private static func run(_ bytes: UnsafeRawBufferPointer, _ probe: inout (any ChannelHandler)?) -> String? {
        guard let handler = ServerConnectionHandlers.make(router: router, configuration: configuration) else {
            return "nghttp2 could not create a server session"
        }
        probe = handler
        let channel = EmbeddedChannel(handler: handler)
        let loop = channel.embeddedEventLoop
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        do {
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        } catch {
            return "the embedded channel did not connect: \(error)"
        }
        // The handler may close the channel part-way (a protocol error); writing then throws.
        try? channel.writeInbound(channel.allocator.buffer(bytes: bytes))
        loop.run()
        discardOutbound(channel)
        channel.pipeline.fireUserInboundEventTriggered(ServerConnectionHandlers.gracefulShutdown)
        loop.advanceTime(by: .hours(24))
        discardOutbound(channel)
        return nil
    }

    private static func discardOutbound(_ channel: EmbeddedChannel) {
        while (try? channel.readOutbound(as: ByteBuffer.self)) != nil {}
    }
}
