import NIOCore
import Testing

@testable import HTTP2

/// The OpenSSL wrapper on its own: a client and a server `TLSConnection` with memory BIOs,
/// ciphertext moved between them by the test. No sockets, no channel.
@Suite struct TLSConnectionTests {
    let allocator = ByteBufferAllocator()

    /// A server connection (certificate for localhost) and a client connection trusting the CA.
    func pair(
        _ certificates: TestCertificates, hostname: String? = "localhost", applicationProtocols: [String] = ["h2"]
    ) throws -> (client: TLSConnection, server: TLSConnection) {
        let server = try OpenSSLContext(
            server: TLSConfiguration(
                certificateChainFile: certificates.serverCertificate, privateKeyFile: certificates.serverKey))
        let client = try OpenSSLContext(
            client: TLSConfiguration(trustRootsFile: certificates.ca, serverHostname: hostname),
            applicationProtocols: applicationProtocols)
        return (try TLSConnection(context: client, role: .client), try TLSConnection(context: server, role: .server))
    }

    /// Moves what `from` has produced into `to`; returns whether there was anything.
    @discardableResult
    func move(_ from: TLSConnection, _ to: TLSConnection) throws -> Bool {
        guard let ciphertext = from.takeCiphertext(allocator: allocator) else { return false }
        try to.feed(ciphertext)
        return true
    }

    /// Runs both handshakes until each has completed or failed, or neither has anything to send.
    func handshake(_ client: TLSConnection, _ server: TLSConnection) throws -> (
        client: TLSResult<Void>, server: TLSResult<Void>
    ) {
        var clientResult = client.handshake()
        var serverResult = TLSResult<Void>.incomplete
        for _ in 0..<10 {
            let sent = try move(client, server)
            if case .incomplete = serverResult { serverResult = server.handshake() }
            let answered = try move(server, client)
            if case .incomplete = clientResult { clientResult = client.handshake() }
            try move(client, server)
            if !sent, !answered { break }
        }
        return (clientResult, serverResult)
    }

    /// Encrypts `text` on one side and decrypts it on the other.
    func send(_ text: String, from: TLSConnection, to: TLSConnection) throws -> String? {
        guard case .complete = from.write(allocator.buffer(string: text)) else { return nil }
        try move(from, to)
        var buffer = allocator.buffer(capacity: 0)
        guard case .complete(let count) = to.read(into: &buffer), count > 0 else { return nil }
        return buffer.readString(length: buffer.readableBytes)
    }

    @Test func theHandshakeNegotiatesH2AndCarriesDataBothWays() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.remove() }
        let (client, server) = try pair(certificates)
        var buffer = allocator.buffer(capacity: 0)
        guard case .incomplete = client.write(allocator.buffer(string: "early")) else {
            Issue.record("a write before the handshake was accepted")
            return
        }
        let result = try handshake(client, server)
        guard case .complete = result.client, case .complete = result.server else {
            Issue.record("handshake: client \(result.client), server \(result.server)")
            return
        }
        #expect(client.isHandshakeComplete && server.isHandshakeComplete)
        #expect(client.negotiatedProtocol == "h2")
        #expect(server.negotiatedProtocol == "h2")
        #expect(try send("ping", from: client, to: server) == "ping")
        #expect(try send("pong", from: server, to: client) == "pong")
        guard case .incomplete = server.read(into: &buffer) else {
            Issue.record("the server read data nobody sent")
            return
        }
    }

    @Test func aClientOfferingOnlyAnotherProtocolIsRefused() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.remove() }
        let (client, server) = try pair(certificates, applicationProtocols: ["http/1.1"])
        let result = try handshake(client, server)
        guard case .failed(.handshake(let reason, _)) = result.server else {
            Issue.record("the server's handshake: \(result.server)")
            return
        }
        #expect(reason.contains("no application protocol"), "\(reason)")
        guard case .failed(.handshake(let clientReason, _)) = result.client else {
            Issue.record("the client's handshake: \(result.client)")
            return
        }
        #expect(clientReason.contains("no application protocol"), "\(clientReason)")
    }

    @Test func aClientOfferingNoProtocolCompletesWithoutH2() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.remove() }
        let (client, server) = try pair(certificates, applicationProtocols: [])
        let result = try handshake(client, server)
        guard case .complete = result.client, case .complete = result.server else {
            Issue.record("handshake: client \(result.client), server \(result.server)")
            return
        }
        // OpenSSLHandler refuses this connection: it checks negotiatedProtocol == "h2".
        #expect(client.negotiatedProtocol == nil)
        #expect(server.negotiatedProtocol == nil)
    }

    @Test func aCertificateForAnotherHostIsRefused() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.remove() }
        let (client, server) = try pair(certificates, hostname: "orders.example")
        let result = try handshake(client, server)
        guard case .failed(.handshake(let reason, let verification)) = result.client else {
            Issue.record("the client's handshake: \(result.client)")
            return
        }
        #expect(verification == "hostname mismatch")
        #expect(reason.contains("certificate verify failed"), "\(reason)")
        guard case .failed = result.server else {
            Issue.record("the server's handshake went on: \(result.server)")
            return
        }
    }

    @Test func anIPAddressIsVerifiedAgainstTheCertificate() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.remove() }
        let matching = try pair(certificates, hostname: "127.0.0.1")
        let accepted = try handshake(matching.client, matching.server)
        guard case .complete = accepted.client else {
            Issue.record("127.0.0.1 (in the certificate) was refused: \(accepted.client)")
            return
        }
        let other = try pair(certificates, hostname: "10.1.2.3")
        let refused = try handshake(other.client, other.server)
        guard case .failed(.handshake(_, let verification)) = refused.client else {
            Issue.record("10.1.2.3 (not in the certificate) was accepted: \(refused.client)")
            return
        }
        #expect(verification == "IP address mismatch")
    }

    @Test func aHostnameOpenSSLCannotSendIsRefusedAtSetup() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.remove() }
        let tooLong = String(repeating: "a", count: 300) + ".example"
        let context = try OpenSSLContext(
            client: TLSConfiguration(trustRootsFile: certificates.ca, serverHostname: tooLong))
        #expect {
            _ = try TLSConnection(context: context, role: .client)
        } throws: { error in
            guard case .setup(let step, _) = error as? TLSError else { return false }
            return step.hasPrefix("SNI")
        }
    }

    @Test func closeNotifyEndsTheConnectionOnBothSides() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.remove() }
        let (client, server) = try pair(certificates)
        _ = try handshake(client, server)
        #expect(try send("last words", from: client, to: server) == "last words")

        guard case .incomplete = client.shutdown() else {
            Issue.record("the client's shutdown completed before the server answered")
            return
        }
        try move(client, server)
        var buffer = allocator.buffer(capacity: 0)
        guard case .complete(0) = server.read(into: &buffer) else {
            Issue.record("the server did not see close_notify")
            return
        }
        guard case .complete = server.shutdown() else {
            Issue.record("the server's shutdown did not complete after the client's close_notify")
            return
        }
        try move(server, client)
        guard case .complete(0) = client.read(into: &buffer) else {
            Issue.record("the client did not see the server's close_notify")
            return
        }
        guard case .complete = client.shutdown() else {
            Issue.record("the client's shutdown did not complete")
            return
        }
    }

    @Test func garbageIsAFailureNotACrash() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.remove() }
        let (_, server) = try pair(certificates)
        try server.feed(allocator.buffer(string: "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"))
        guard case .failed(.handshake) = server.handshake() else {
            Issue.record("HTTP/1.1 was taken for a TLS handshake")
            return
        }

        // After a good handshake, a corrupted record fails the read.
        let (client2, server2) = try pair(certificates)
        _ = try handshake(client2, server2)
        guard case .complete = client2.write(allocator.buffer(string: "payload")) else {
            Issue.record("the write failed")
            return
        }
        var ciphertext = try #require(client2.takeCiphertext(allocator: allocator))
        let last = ciphertext.writerIndex - 1
        let byte = try #require(ciphertext.getInteger(at: last, as: UInt8.self))
        ciphertext.setInteger(byte ^ 0xFF, at: last)
        try server2.feed(ciphertext)
        var buffer = allocator.buffer(capacity: 0)
        guard case .failed(.read(let reason)) = server2.read(into: &buffer) else {
            Issue.record("a corrupted record was accepted")
            return
        }
        #expect(reason.contains("bad record mac") || reason.contains("decrypt"), "\(reason)")
        guard case .failed(.write) = server2.write(allocator.buffer(string: "answer")) else {
            Issue.record("a write after a fatal error was accepted")
            return
        }
    }
}
