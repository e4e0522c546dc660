import CNGHTTP2
import NIOCore
import NIOEmbedded
import RPC
import Synchronization
import Testing

@testable import HTTP2

/// What a peer may cost a server connection (``ConnectionLimits``): admission on HEADERS, capped
/// deadlines, buffered-byte budgets and the timeouts of a connection's life. The handler runs in
/// an `EmbeddedChannel` whose clock the tests advance; the peer is an nghttp2 client session.
@Suite struct ServerConnectionLimitsTests {
    typealias TestClient = ServerConnectionHandlerTests.TestClient

    static let unary = MethodDescriptor(service: "test.Limits", method: "Unary", kind: .unary)
    static let endless = MethodDescriptor(service: "test.Limits", method: "Endless", kind: .bidirectionalStreaming)

    /// Refuses every call without `x-token: good` UNAUTHENTICATED, and names the caller otherwise.
    struct TokenAdmission: CallAdmission {
        func admit(_ context: inout ServerContext) throws(RPCError) {
            guard context.requestMetadata["x-token"] == "good" else {
                throw RPCError(.unauthenticated, "the call carries no bearer token")
            }
            context.caller = Caller(subject: "tester", role: "agent")
        }
    }

    /// Counts the handlers run and records the last deadline one saw.
    final class Observed: Sendable {
        let handlersRun = Atomic<Int>(0)
        let deadline = Mutex<ContinuousClock.Instant?>(nil)
    }

    struct Server {
        let channel: EmbeddedChannel
        let handler: ServerConnectionHandler
        let loop: EmbeddedEventLoop
    }

    static func makeServer(
        _ configuration: ServerConfiguration, observed: Observed, budget: RequestBufferBudget? = nil
    ) throws -> Server {
        var router = Router()
        router.register(
            ServerHandler(
                method: unary,
                body: .unary { request, context in
                    observed.handlersRun.add(1, ordering: .relaxed)
                    observed.deadline.withLock { $0 = context.deadline }
                    return Array((context.caller?.subject ?? "").utf8)
                }))
        router.register(
            ServerHandler(
                method: endless,
                body: .streaming { requests, _, _ in
                    observed.handlersRun.add(1, ordering: .relaxed)
                    for try await _ in requests {}
                }))
        router = router.admitting(by: TokenAdmission())
        let handler = try #require(
            ServerConnectionHandler(router: router, configuration: configuration, budget: budget))
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(handler: handler, loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return Server(channel: channel, handler: handler, loop: loop)
    }

    /// What a test call's header block counts against the budgets, at most.
    static let headerAllowance = 1_024

    static func status(of id: Int32, _ client: TestClient) -> String? {
        ServerConnectionHandlerTests.value("grpc-status", in: client.headers[id]?.last)
    }

    static func receivedGoaway(_ client: TestClient) -> Bool {
        client.frames.contains { UInt32($0.type) == NGHTTP2_GOAWAY.rawValue }
    }

    @Test func anUnauthenticatedCallIsRefusedOnItsHeadersAndItsBodyIsNotKept() throws {
        let observed = Observed()
        let server = try Self.makeServer(ServerConfiguration(port: 0), observed: observed)
        let client = try TestClient()
        let id = try #require(
            client.request(path: "/test.Limits/Unary", message: [UInt8](repeating: 7, count: 300_000)))
        try client.exchange(with: server.channel)
        #expect(Self.status(of: id, client) == "16")
        #expect(
            ServerConnectionHandlerTests.value("grpc-message", in: client.headers[id]?.last)
                == "the call carries no bearer token")
        #expect(observed.handlersRun.load(ordering: .relaxed) == 0)
        #expect(server.handler.bufferedBytes == 0)
        #expect(server.handler.budget.inUse == 0)
        // The client could not send its whole body: the stream was reset once refused.
        #expect(client.body[id]?.isEmpty == false)
    }

    @Test func anAdmittedCallRunsWithTheCallerTheAdmissionSet() throws {
        let observed = Observed()
        let server = try Self.makeServer(ServerConfiguration(port: 0), observed: observed)
        let client = try TestClient()
        let id = try #require(
            client.request(path: "/test.Limits/Unary", extra: [("x-token", "good")], message: [1, 2, 3]))
        try client.exchange(with: server.channel)
        #expect(Self.status(of: id, client) == "0")
        #expect(client.data[id] == [0, 0, 0, 0, 6] + Array("tester".utf8))
        #expect(server.handler.bufferedBytes == 0)
    }

    @Test func aUnaryCallsWindowReopensOnlyForItsOneMessage() throws {
        let observed = Observed()
        let server = try Self.makeServer(ServerConfiguration(port: 0), observed: observed)
        let client = try TestClient()
        let id = try #require(client.request(path: "/test.Limits/Unary", extra: [("x-token", "good")], message: [1]))
        // After its one message the client goes on with 200,000 bytes of another, never ending.
        let second = withUnsafeBytes(of: UInt32(1_000_000).bigEndian, Array.init)
        client.body[id]? += [0] + second + [UInt8](repeating: 0, count: 200_000)
        client.keepOpen.insert(id)
        try client.exchange(with: server.channel)
        // The window was not reopened past the first message: the client is still holding most of
        // the rest, and the server buffered no more than its initial window (and the call's headers).
        let window = ServerConfiguration(port: 0).limits.initialWindowSize
        #expect((client.body[id]?.count ?? 0) >= 200_000 - window)
        #expect(server.handler.bufferedBytes <= window + Self.headerAllowance)
        #expect(observed.handlersRun.load(ordering: .relaxed) == 0)
    }

    @Test func aHugeTimeoutIsCappedAtTheMaximumDeadline() throws {
        let observed = Observed()
        let server = try Self.makeServer(
            ServerConfiguration(port: 0, maximumDeadline: .seconds(5)), observed: observed)
        let client = try TestClient()
        let before = ContinuousClock.now
        let id = try #require(
            client.request(
                path: "/test.Limits/Unary", extra: [("x-token", "good"), ("grpc-timeout", "99999999H")], message: []))
        try client.exchange(with: server.channel)
        #expect(Self.status(of: id, client) == "0")
        let deadline = try #require(observed.deadline.withLock { $0 })
        #expect(deadline <= ContinuousClock.now + .seconds(5))
        #expect(deadline >= before + .seconds(5))
    }

    @Test func aMessageOverTheConnectionBudgetIsRefusedAndReleased() throws {
        let observed = Observed()
        var configuration = ServerConfiguration(port: 0)
        configuration.limits.maximumBufferedBytesPerConnection = 100_000
        let server = try Self.makeServer(configuration, observed: observed)
        let client = try TestClient()
        let id = try #require(
            client.request(
                path: "/test.Limits/Unary", extra: [("x-token", "good")], message: [UInt8](repeating: 1, count: 150_000)
            ))
        try client.exchange(with: server.channel)
        #expect(Self.status(of: id, client) == "8")
        #expect(observed.handlersRun.load(ordering: .relaxed) == 0)
        #expect(server.handler.bufferedBytes == 0)
        #expect(server.handler.budget.inUse == 0)
        // The connection still serves a call that fits.
        let next = try #require(client.request(path: "/test.Limits/Unary", extra: [("x-token", "good")], message: [1]))
        try client.exchange(with: server.channel)
        #expect(Self.status(of: next, client) == "0")
    }

    @Test func anAdmittedCallsHeadersCountAgainstTheBudget() throws {
        let observed = Observed()
        var configuration = ServerConfiguration(port: 0)
        configuration.limits.maximumBufferedBytesPerConnection = 400
        let server = try Self.makeServer(configuration, observed: observed)
        let client = try TestClient()
        let small = try #require(
            client.request(path: "/test.Limits/Unary", extra: [("x-token", "good")], message: [1]))
        let padded = try #require(
            client.request(
                path: "/test.Limits/Unary",
                extra: [("x-token", "good"), ("x-pad", String(repeating: "p", count: 500))],
                message: [1]))
        try client.exchange(with: server.channel)
        #expect(Self.status(of: small, client) == "0")
        #expect(Self.status(of: padded, client) == "8")
        #expect(observed.handlersRun.load(ordering: .relaxed) == 1)
        #expect(server.handler.bufferedBytes == 0)
    }

    @Test func theServerWideBudgetIsSharedByConnections() throws {
        let observed = Observed()
        let shared = RequestBufferBudget(limit: 100_000 + Self.headerAllowance)
        let first = try Self.makeServer(ServerConfiguration(port: 0), observed: observed, budget: shared)
        let second = try Self.makeServer(ServerConfiguration(port: 0), observed: observed, budget: shared)
        // The first connection holds a 90,000-byte message whose request never ends.
        let holder = try TestClient()
        let held = try #require(
            holder.request(
                path: "/test.Limits/Unary", extra: [("x-token", "good")], message: [UInt8](repeating: 1, count: 90_000))
        )
        holder.keepOpen.insert(held)
        try holder.exchange(with: first.channel)
        #expect((90_000...90_000 + Self.headerAllowance).contains(first.handler.bufferedBytes))
        #expect(shared.inUse == first.handler.bufferedBytes)
        // The second connection's 20,000 bytes do not fit in what is left.
        let client = try TestClient()
        let id = try #require(
            client.request(
                path: "/test.Limits/Unary", extra: [("x-token", "good")], message: [UInt8](repeating: 1, count: 20_000))
        )
        try client.exchange(with: second.channel)
        #expect(Self.status(of: id, client) == "8")
        #expect(second.handler.bufferedBytes == 0)
        // Closing the first connection returns its bytes.
        _ = try first.channel.finish()
        #expect(shared.inUse == 0)
    }

    @Test func aConnectionWithoutAPrefaceIsClosedByTheHandshakeTimeout() throws {
        var configuration = ServerConfiguration(port: 0)
        configuration.limits.handshakeTimeout = .seconds(3)
        let server = try Self.makeServer(configuration, observed: Observed())
        server.loop.advanceTime(by: .seconds(2))
        #expect(server.channel.isActive)
        server.loop.advanceTime(by: .seconds(2))
        #expect(!server.channel.isActive)
    }

    @Test func aConnectionWithoutHeadersGetsGoawayAndIsClosed() throws {
        var configuration = ServerConfiguration(port: 0)
        configuration.limits.firstHeadersTimeout = .seconds(4)
        let server = try Self.makeServer(configuration, observed: Observed())
        let client = try TestClient()
        try client.exchange(with: server.channel)  // preface and SETTINGS both ways
        server.loop.advanceTime(by: .seconds(3))
        #expect(server.channel.isActive)
        server.loop.advanceTime(by: .seconds(2))
        try client.exchange(with: server.channel)
        #expect(Self.receivedGoaway(client))
        #expect(!server.channel.isActive)
    }

    @Test func anUnfinishedHeaderBlockDoesNotHoldTheConnection() throws {
        var configuration = ServerConfiguration(port: 0)
        configuration.limits.firstHeadersTimeout = .seconds(4)
        let server = try Self.makeServer(configuration, observed: Observed())
        let client = try TestClient()
        try client.exchange(with: server.channel)  // preface and SETTINGS both ways
        // HEADERS on stream 1 without END_HEADERS (":method: POST", HPACK index 3); no
        // CONTINUATION ever follows.
        try server.channel.writeInbound(ByteBuffer(bytes: [0, 0, 1, 0x01, 0x00, 0, 0, 0, 1, 0x83]))
        server.loop.run()
        server.loop.advanceTime(by: .seconds(3))
        #expect(server.channel.isActive)
        server.loop.advanceTime(by: .seconds(2))
        try client.exchange(with: server.channel)
        #expect(Self.receivedGoaway(client))
        #expect(!server.channel.isActive)
    }

    @Test func anIdleConnectionGetsGoawayAfterItsLastCall() throws {
        var configuration = ServerConfiguration(port: 0)
        configuration.limits.maximumIdleTime = .seconds(60)
        let server = try Self.makeServer(configuration, observed: Observed())
        let client = try TestClient()
        let id = try #require(client.request(path: "/test.Limits/Unary", extra: [("x-token", "good")], message: [1]))
        try client.exchange(with: server.channel)
        #expect(Self.status(of: id, client) == "0")
        server.loop.advanceTime(by: .seconds(59))
        try client.exchange(with: server.channel)
        #expect(!Self.receivedGoaway(client))
        server.loop.advanceTime(by: .seconds(2))
        try client.exchange(with: server.channel)
        #expect(Self.receivedGoaway(client))
        #expect(!server.channel.isActive)
    }

    @Test func eachCallRestartsTheIdleTime() throws {
        var configuration = ServerConfiguration(port: 0)
        configuration.limits.maximumIdleTime = .seconds(60)
        configuration.limits.maximumAge = nil
        let server = try Self.makeServer(configuration, observed: Observed())
        let client = try TestClient()
        for _ in 0..<3 {
            let id = try #require(
                client.request(path: "/test.Limits/Unary", extra: [("x-token", "good")], message: [1]))
            try client.exchange(with: server.channel)
            #expect(Self.status(of: id, client) == "0")
            server.loop.advanceTime(by: .seconds(45))
            try client.exchange(with: server.channel)
            #expect(!Self.receivedGoaway(client))
        }
        server.loop.advanceTime(by: .seconds(16))
        try client.exchange(with: server.channel)
        #expect(Self.receivedGoaway(client))
        #expect(!server.channel.isActive)
    }

    @Test func aBusyConnectionGetsGoawayAtItsAgeAndClosesAfterTheGrace() throws {
        var configuration = ServerConfiguration(port: 0)
        configuration.limits.maximumIdleTime = nil
        configuration.limits.maximumAge = .seconds(100)
        configuration.limits.maximumAgeJitter = 0  // the age exactly, so the grace can be timed
        configuration.limits.maximumAgeGrace = .seconds(10)
        let observed = Observed()
        let server = try Self.makeServer(configuration, observed: observed)
        let client = try TestClient()
        let id = try #require(client.request(path: "/test.Limits/Endless", extra: [("x-token", "good")], message: [1]))
        client.keepOpen.insert(id)
        try client.exchange(with: server.channel)
        #expect(observed.handlersRun.load(ordering: .relaxed) == 1)
        server.loop.advanceTime(by: .seconds(101))  // the age, and the GOAWAY's round trip
        try client.exchange(with: server.channel)
        #expect(Self.receivedGoaway(client))
        #expect(server.channel.isActive)  // the call in flight has its grace period
        server.loop.advanceTime(by: .seconds(11))
        #expect(!server.channel.isActive)
    }
}
