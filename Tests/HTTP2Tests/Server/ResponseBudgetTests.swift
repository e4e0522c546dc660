import CNGHTTP2
import NIOCore
import NIOEmbedded
import RPC
import Testing

@testable import HTTP2

/// A regression: a client that advertised a zero stream window and opened many streams to a
/// method with large responses made the server hold every response (about 300 KiB a stream, no
/// bound per connection or process). Unsent response bytes now count against a per-connection and
/// a server-wide budget: a stream over them is reset (ENHANCE_YOUR_CALM) and holds nothing; a
/// response stuck on a zero window too long is reset too; the bytes come back when the connection
/// closes. The handler runs in an `EmbeddedChannel`; the peer is an nghttp2 client session that
/// never opens its windows.
@Suite struct ResponseBudgetTests {
    typealias TestClient = ServerConnectionHandlerTests.TestClient

    static let large = MethodDescriptor(service: "test.Budget", method: "Large", kind: .unary)
    static let flood = MethodDescriptor(service: "test.Budget", method: "Flood", kind: .serverStreaming)
    static let responseSize = 100_000
    /// What one response of `large` counts against the budgets: the message and its 5-byte prefix.
    static let framedSize = 5 + responseSize

    /// A server connection with `limits`, serving a unary method answering `responseSize` bytes and
    /// a streaming one writing 64 KiB messages until a write fails.
    static func makeServer(
        responseBudget: RequestBufferBudget? = nil, _ limits: (inout ConnectionLimits) -> Void
    ) throws -> (EmbeddedChannel, ServerConnectionHandler) {
        var router = Router()
        router.register(
            ServerHandler(method: large, body: .unary { _, _ in [UInt8](repeating: 3, count: responseSize) }))
        router.register(
            ServerHandler(
                method: flood,
                body: .streaming { _, responses, _ in
                    while true { try await responses.write([UInt8](repeating: 4, count: 64 * 1024)) }
                }))
        var configuration = ServerConfiguration(port: 0)
        limits(&configuration.limits)
        let handler = try #require(
            ServerConnectionHandler(router: router, configuration: configuration, responseBudget: responseBudget))
        let channel = EmbeddedChannel(handler: handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (channel, handler)
    }

    /// A client whose streams have a zero window and that never reports DATA consumed.
    static func zeroWindowClient() throws -> TestClient {
        var limits = NGHTTP2Session.Limits()
        limits.initialWindowSize = 0
        let client = try TestClient(limits: limits)
        client.consumesData = false
        return client
    }

    @Test func aZeroWindowClientHoldsAtMostTheConnectionBudget() throws {
        let (channel, handler) = try Self.makeServer { $0.maximumResponseBytesPerConnection = 3 * Self.framedSize }
        let client = try Self.zeroWindowClient()
        var ids: [Int32] = []
        for _ in 0..<20 { ids.append(try #require(client.request(path: Self.large.path, message: [1]))) }
        try client.exchange(with: channel)

        #expect(handler.responseBytes == 3 * Self.framedSize, "three responses fit, the others were refused")
        #expect(handler.responseBudget.inUse == handler.responseBytes)
        let reset = ids.filter { client.closed[$0] == NGHTTP2_ENHANCE_YOUR_CALM.rawValue }
        #expect(reset.count == 17)
        #expect(ids.allSatisfy { client.data[$0] == nil }, "the zero window let no DATA out")

        try channel.close().wait()
        #expect(handler.responseBytes == 0)
        #expect(handler.responseBudget.inUse == 0)
    }

    @Test func connectionsShareTheServerBudget() throws {
        let shared = RequestBufferBudget(limit: 2 * Self.framedSize)
        let first = try Self.makeServer(responseBudget: shared) { _ in }
        let second = try Self.makeServer(responseBudget: shared) { _ in }
        let firstClient = try Self.zeroWindowClient()
        let secondClient = try Self.zeroWindowClient()
        for _ in 0..<5 { _ = try #require(firstClient.request(path: Self.large.path, message: [1])) }
        try firstClient.exchange(with: first.0)
        for _ in 0..<5 { _ = try #require(secondClient.request(path: Self.large.path, message: [1])) }
        try secondClient.exchange(with: second.0)

        #expect(shared.inUse == 2 * Self.framedSize)
        #expect(first.1.responseBytes + second.1.responseBytes == shared.inUse)
        #expect(second.1.responseBytes == 0, "the first connection took the whole server budget")
        #expect(secondClient.closed.values.allSatisfy { $0 == NGHTTP2_ENHANCE_YOUR_CALM.rawValue })
        #expect(secondClient.closed.count == 5)

        // The first connection closing gives its bytes back to the server.
        try first.0.close().wait()
        #expect(shared.inUse == 0)
        let next = try #require(secondClient.request(path: Self.large.path, message: [1]))
        try secondClient.exchange(with: second.0)
        #expect(secondClient.closed[next] == nil, "the response is held again, waiting for the window")
        #expect(shared.inUse == Self.framedSize)
        try second.0.close().wait()
        #expect(shared.inUse == 0)
    }

    @Test func aResponseBlockedOnAZeroWindowTooLongIsResetAndReleased() throws {
        let (channel, handler) = try Self.makeServer { $0.maximumBlockedSendTime = .seconds(2) }
        let client = try Self.zeroWindowClient()
        let id = try #require(client.request(path: Self.flood.path, message: [1]))
        try client.exchange(with: channel)
        // The writer is suspended above the stream's high watermark: bytes held, none sent.
        #expect(handler.responseBytes > OutboundBuffer.highWatermark)
        #expect(handler.runningHandlers == 1)
        #expect(client.closed[id] == nil)

        channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        try client.exchange(with: channel)
        #expect(client.closed[id] == NGHTTP2_ENHANCE_YOUR_CALM.rawValue)
        #expect(handler.responseBytes == 0)
        #expect(handler.responseBudget.inUse == 0)
        #expect(handler.runningHandlers == 0, "the handler's blocked write failed and it returned")
        #expect(handler.streams.isEmpty)
    }
}
