import CNGHTTP2
import NIOCore
import NIOEmbedded
import RPC
import Synchronization
import Testing

@testable import HTTP2

/// A regression: when the transport ended a running streaming call with a status of its own (a
/// request message over the limit, a malformed one), nothing ended the handler's request
/// messages, so a handler reading them waited for ever: its task, its memory and its slot among
/// the connection's calls were never given back. The handler runs in an `EmbeddedChannel`; the
/// peer is an nghttp2 client session.
@Suite struct FailedStreamingCallTests {
    typealias TestClient = ServerConnectionHandlerTests.TestClient

    static let collect = MethodDescriptor(service: "test.Failed", method: "Collect", kind: .clientStreaming)

    /// What the handler saw: the messages it read, and whether its reading ended (and its task
    /// was cancelled).
    final class Observed: Sendable {
        let messages = Atomic<Int>(0)
        let ended = Mutex<String?>(nil)
    }

    /// A server whose messages may be 16 bytes at most, serving a client-streaming method that
    /// reads every request message and records how its reading ended.
    static func makeServer(_ observed: Observed) throws -> (EmbeddedChannel, ServerConnectionHandler) {
        var router = Router()
        router.register(
            ServerHandler(
                method: collect,
                body: .streaming { messages, _, _ in
                    do {
                        for try await _ in messages { observed.messages.add(1, ordering: .relaxed) }
                    } catch {}
                    let cancelled = Task.isCancelled
                    observed.ended.withLock { $0 = cancelled ? "ended, cancelled" : "ended" }
                }))
        let configuration = ServerConfiguration(port: 0, maximumReceiveMessageSize: 16)
        let handler = try #require(ServerConnectionHandler(router: router, configuration: configuration))
        let channel = EmbeddedChannel(handler: handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (channel, handler)
    }

    /// A framed gRPC message of `count` bytes.
    static func framed(_ count: Int) -> [UInt8] {
        [0] + withUnsafeBytes(of: UInt32(count).bigEndian, Array.init) + [UInt8](repeating: 7, count: count)
    }

    @Test func aMessageOverTheLimitEndsTheRunningHandlersRequestMessages() throws {
        let observed = Observed()
        let (channel, _) = try Self.makeServer(observed)
        let client = try TestClient()
        let id = try #require(client.request(path: Self.collect.path, message: [1]))
        client.keepOpen.insert(id)
        try client.exchange(with: channel)
        channel.embeddedEventLoop.run()
        #expect(observed.messages.load(ordering: .relaxed) == 1, "the handler read the first message")
        #expect(observed.ended.withLock { $0 } == nil, "and waits for the next")

        // The next message is over the limit, and the client ends its side with it.
        client.body[id] = Self.framed(100)
        client.keepOpen.remove(id)
        _ = client.session.resumeData(streamID: id)
        try client.exchange(with: channel)
        channel.embeddedEventLoop.run()

        #expect(ServerConnectionHandlerTests.value("grpc-status", in: client.headers[id]?.last) == "8")
        #expect(observed.messages.load(ordering: .relaxed) == 1)
        #expect(
            observed.ended.withLock { $0 } == "ended, cancelled",
            "the handler's request messages end with the call, and its task is cancelled")
    }
}
