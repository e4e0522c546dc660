import HTTP2
import Interop
import RPC
import Testing

/// TLS 1.3 with ALPN h2 through the system OpenSSL, with client certificates required (mTLS).
@Suite struct TLSTests {
    static func server(_ certificates: TestCertificates) async throws -> (HTTP2Server, Int) {
        let tls = TLSConfiguration(
            certificateChainFile: certificates.serverCertificate, privateKeyFile: certificates.serverKey,
            trustRootsFile: certificates.ca)
        let server = HTTP2Server(
            configuration: ServerConfiguration(port: 0, tls: tls), router: Router(services: [InteropTestService()]))
        return (server, try await server.start())
    }

    @Test func mutualTLSCallsSucceedWithTheProjectsClientAndWithGrpcio() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.remove() }
        let (server, port) = try await Self.server(certificates)

        let tls = TLSConfiguration(
            certificateChainFile: certificates.clientCertificate, privateKeyFile: certificates.clientKey,
            trustRootsFile: certificates.ca, serverHostname: "localhost")
        let transport = try HTTP2ClientTransport(
            host: "127.0.0.1", port: port, configuration: ClientConfiguration(tls: tls))
        let cases = InteropCases(rpc: RPCClient(transport: transport))
        for name in ["empty_unary", "large_unary", "ping_pong", "custom_metadata"] {
            try await cases.run(name)
        }
        transport.close()

        let result = try await PythonScript.run(
            "interop_client.py",
            [
                "--port", String(port), "--test_case", "empty_unary,large_unary,server_streaming", "--ca",
                certificates.ca,
                "--cert", certificates.clientCertificate, "--key", certificates.clientKey,
            ])
        #expect(result.status == 0, "\(result.output)")
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func aClientWithoutACertificateIsRefused() async throws {
        let certificates = try await TestCertificates()
        defer { certificates.remove() }
        let (server, port) = try await Self.server(certificates)
        let tls = TLSConfiguration(trustRootsFile: certificates.ca, serverHostname: "localhost")
        let transport = try HTTP2ClientTransport(
            host: "127.0.0.1", port: port, configuration: ClientConfiguration(tls: tls))
        do {
            try await InteropCases(rpc: RPCClient(transport: transport)).run("empty_unary")
            Issue.record("a client without a certificate was served")
        } catch let error as RPCError {
            #expect(error.code == .unavailable)
        }
        transport.close()
        await server.shutdown(gracePeriod: .seconds(1))
    }
}
