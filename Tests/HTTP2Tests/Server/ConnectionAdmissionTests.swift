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

    /// Connects a raw peer; returns its channel and what counts the bytes it receives.
    static func connect(port: Int) async throws -> (channel: any Channel, received: Received) {
        let received = Received()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(received) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return (channel, received)
    }

    /// Connects a raw peer, sends `bytes`, and waits until the server closes the connection
    /// (failing the test if it is still open after a minute); returns how many bytes arrived.
    static func bytesBeforeClose(port: Int, sending bytes: [UInt8]) async throws -> Int {
        let (channel, received) = try await connect(port: port)
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
        // Long enough that no timer frees a place while the test runs, however loaded the machine.
        configuration.limits.handshakeTimeout = .seconds(600)
        let server = HTTP2Server(configuration: configuration, router: Router(services: [InteropTestService()]))
        let port = try await server.start()
        // Two are admitted: each is sent the server's SETTINGS.
        let admitted = [try await Self.connect(port: port), try await Self.connect(port: port)]
        let served = { (peer: (channel: any Channel, received: Received)) in
            peer.received.bytes.load(ordering: .relaxed) > 0
        }
        let limit = ContinuousClock.now + .seconds(60)
        while !admitted.allSatisfy(served), ContinuousClock.now < limit { try await Task.sleep(for: .milliseconds(5)) }
        #expect(admitted.allSatisfy(served), "both were served SETTINGS")
        // The third is over the limit: closed before the server says anything.
        #expect(try await Self.bytesBeforeClose(port: port, sending: []) == 0)
        for peer in admitted { try? await peer.channel.close() }
        await server.shutdown(gracePeriod: .seconds(1))
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
