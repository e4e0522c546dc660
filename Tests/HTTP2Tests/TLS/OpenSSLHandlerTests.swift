import NIOCore
import NIOEmbedded
import Testing

@testable import HTTP2

/// `OpenSSLHandler` in two `EmbeddedChannel`s, a client and a server, whose outbound bytes the
/// test moves into each other: no sockets, no threads.
@Suite struct OpenSSLHandlerTests {
    /// The end of a pipeline: keeps the plaintext and the errors that reach it.
    final class Recorder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        var text = ""
        var errors: [any Error] = []

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            text += buffer.readString(length: buffer.readableBytes) ?? ""
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            errors.append(error)
        }
    }

    struct Side {
        let channel: EmbeddedChannel
        let recorder = Recorder()
    }

    func pair(_ certificates: TestCertificates, applicationProtocols: [String] = ["h2"]) throws -> (
        client: Side, server: Side
    ) {
        let serverContext = try OpenSSLContext(
            server: TLSConfiguration(
                certificateChainFile: certificates.serverCertificate, privateKeyFile: certificates.serverKey))
        let clientContext = try OpenSSLContext(
            client: TLSConfiguration(trustRootsFile: certificates.ca, serverHostname: "localhost"),
            applicationProtocols: applicationProtocols)
        let client = Side(channel: EmbeddedChannel())
        let server = Side(channel: EmbeddedChannel())
        try client.channel.pipeline.syncOperations.addHandlers(
            OpenSSLHandler(context: clientContext, role: .client), client.recorder)
        try server.channel.pipeline.syncOperations.addHandlers(
            OpenSSLHandler(context: serverContext, role: .server), server.recorder)
        return (client, server)
    }

    /// Connects both channels and moves bytes both ways until neither has more to send.
    func connect(_ client: Side, _ server: Side) throws {
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 1)
        try server.channel.connect(to: address).wait()
        try client.channel.connect(to: address).wait()
        try pump(client, server)
    }

    func pump(_ client: Side, _ server: Side) throws {
        for _ in 0..<20 {
            var moved = false
            for (from, to) in [(client, server), (server, client)] {
                while let bytes = try from.channel.readOutbound(as: ByteBuffer.self) {
                    moved = true
                    if to.channel.isActive { try to.channel.writeInbound(bytes) }
                }
            }
            if !moved { return }
        }
    }

    @Test func aWriteDuringTheHandshakeCompletesOnlyOnceItsRecordsAreWritten() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.remove() }
        let (client, server) = try pair(certificates)
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 1)
        try server.channel.connect(to: address).wait()
        try client.channel.connect(to: address).wait()

        var written = false
        client.channel.writeAndFlush(ByteBuffer(string: "hello")).whenSuccess { written = true }
        #expect(!written, "the promise succeeded before the handshake")
        try pump(client, server)
        #expect(written)
        #expect(server.recorder.text == "hello")
        #expect(client.recorder.errors.isEmpty && server.recorder.errors.isEmpty)

        try server.channel.writeAndFlush(ByteBuffer(string: "world")).wait()
        try pump(client, server)
        #expect(client.recorder.text == "world")
    }

    @Test func aHandshakeWithoutH2IsReportedAndClosed() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.remove() }
        let (client, server) = try pair(certificates, applicationProtocols: [])
        var failure: (any Error)?
        client.channel.writeAndFlush(ByteBuffer(string: "hello")).whenFailure { failure = $0 }
        try connect(client, server)
        #expect(client.recorder.errors.contains { $0 as? TLSError == .applicationProtocolNotNegotiated })
        #expect(server.recorder.errors.contains { $0 as? TLSError == .applicationProtocolNotNegotiated })
        #expect(failure as? TLSError == .applicationProtocolNotNegotiated)
        #expect(!client.channel.isActive && !server.channel.isActive)
        #expect(server.recorder.text.isEmpty)
    }

    @Test func closingSendsCloseNotifyAndThePeerCloses() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.remove() }
        let (client, server) = try pair(certificates)
        try connect(client, server)
        #expect(client.channel.isActive && server.channel.isActive)

        try client.channel.close().wait()
        try pump(client, server)
        #expect(!server.channel.isActive, "the server did not close on close_notify")
        #expect(server.recorder.errors.isEmpty)
        #expect(throws: ChannelError.ioOnClosedChannel) {
            try server.channel.writeAndFlush(ByteBuffer(string: "late")).wait()
        }
    }

    @Test func aCorruptedRecordIsReportedAndCloses() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.remove() }
        let (client, server) = try pair(certificates)
        try connect(client, server)
        client.channel.writeAndFlush(ByteBuffer(string: "payload"), promise: nil)
        var record = try #require(try client.channel.readOutbound(as: ByteBuffer.self))
        let last = record.writerIndex - 1
        record.setInteger(try #require(record.getInteger(at: last, as: UInt8.self)) ^ 0xFF, at: last)
        try server.channel.writeInbound(record)
        #expect(server.recorder.errors.contains { if case .read = $0 as? TLSError { true } else { false } })
        #expect(!server.channel.isActive)
        #expect(server.recorder.text.isEmpty)
    }
}
