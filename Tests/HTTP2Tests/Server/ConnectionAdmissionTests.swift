import HTTP2
import Interop
import NIOCore
import NIOPosix
import RPC
import Synchronization
import Testing

/// The server's connection limit and handshake timeout on real sockets: raw TCP peers that never
/// speak HTTP/2 (or TLS) are closed, those over the limit before the server says anything.
@Suite struct ConnectionAdmissionTests {
    /// Counts the bytes a raw peer receives.
    final class Received: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let bytes = Atomic<Int>(0)
        let closedByTest = Atomic<Bool>(false)

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            bytes.add(unwrapInboundIn(data).readableBytes, ordering: .relaxed)
        }
    }

    /// Connects a raw peer, sends `bytes`, and waits until the server closes the connection
    /// (failing the test if it is still open after a minute); returns how many bytes arrived.
    static func bytesBeforeClose(port: Int, sending bytes: [UInt8]) async throws -> Int {
        let received = Received()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(received) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        if !bytes.isEmpty { try? await channel.writeAndFlush(ByteBuffer(bytes: bytes)) }
        let guardTimer = channel.eventLoop.scheduleTask(in: .seconds(60)) {
            received.closedByTest.store(true, ordering: .relaxed)
            channel.close(promise: nil)
        }
        try? await channel.closeFuture.get()
        guardTimer.cancel()
        let closedByTest = received.closedByTest.load(ordering: .relaxed)
        #expect(!closedByTest, "the server never closed the connection")
        return received.bytes.load(ordering: .relaxed)
    }

    @Test func connectionsOverTheLimitAreClosedBeforeAnyByte() async throws {
        var configuration = ServerConfiguration(port: 0)
        configuration.limits.maximumConnections = 2
        configuration.limits.handshakeTimeout = .seconds(2)
        let server = HTTP2Server(configuration: configuration, router: Router(services: [InteropTestService()]))
        let port = try await server.start()
        let received = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<3 { group.addTask { try await Self.bytesBeforeClose(port: port, sending: []) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        await server.shutdown(gracePeriod: .seconds(1))
        // Two were served SETTINGS and closed by the handshake timeout; one was refused outright.
        #expect(received.filter { $0 == 0 }.count == 1, "\(received)")
        #expect(received.filter { $0 > 0 }.count == 2, "\(received)")
    }

    @Test func aStalledTLSHandshakeIsClosedByTheHandshakeTimeout() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.remove() }
        var configuration = ServerConfiguration(
            port: 0,
            tls: TLSConfiguration(
                certificateChainFile: certificates.serverCertificate, privateKeyFile: certificates.serverKey))
        configuration.limits.handshakeTimeout = .seconds(1)
        let server = HTTP2Server(configuration: configuration, router: Router(services: [InteropTestService()]))
        let port = try await server.start()
        // The first bytes of a TLS record header, then nothing.
        _ = try await Self.bytesBeforeClose(port: port, sending: [0x16, 0x03, 0x01])
        await server.shutdown(gracePeriod: .seconds(1))
    }
}
