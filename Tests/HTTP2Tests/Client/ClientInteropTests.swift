import HTTP2
import Interop
import RPC
import Testing

/// The project's own HTTP/2 client through gRPC's interop cases, against this transport's server
/// and against a server written with Python grpcio.
@Suite(.serialized) struct ClientInteropTests {
    @Test(arguments: InteropCases.names)
    func againstThisServer(_ name: String) async throws {
        let server = HTTP2Server(
            configuration: ServerConfiguration(port: 0), router: Router(services: [InteropTestService()]))
        let port = try await server.start()
        let transport = try HTTP2ClientTransport(host: "127.0.0.1", port: port)
        defer { transport.close() }
        try await InteropCases(rpc: RPCClient(transport: transport)).run(name)
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func againstAGrpcioServer() async throws {
        let server = try await PythonServer("interop_server.py")
        defer { server.stop() }
        let transport = try HTTP2ClientTransport(host: "127.0.0.1", port: server.port)
        defer { transport.close() }
        let cases = InteropCases(rpc: RPCClient(transport: transport), serverChecksCompression: false)
        var failures: [String] = []
        for name in InteropCases.names {
            do {
                try await cases.run(name)
            } catch {
                failures.append("\(name): \(error)")
            }
        }
        #expect(failures.isEmpty, "\(failures)")
    }
}
