import HTTP2
import Interop
import RPC
import Testing

/// gRPC's interop cases, run by Python grpcio against this transport's server over a real
/// socket.
@Suite struct InteropTests {
    static let cases = [
        "empty_unary", "large_unary", "client_streaming", "server_streaming", "ping_pong", "empty_stream",
        "custom_metadata", "status_code_and_message", "special_status_message", "unimplemented_method",
        "unimplemented_service", "cancel_after_begin", "cancel_after_first_response", "timeout_on_sleeping_server",
        "client_compressed_unary", "server_compressed_unary",
    ]

    @Test func grpcioClientPassesEveryInteropCase() async throws {
        let server = HTTP2Server(
            configuration: ServerConfiguration(port: 0), router: Router(services: [InteropTestService()]))
        let port = try await server.start()
        let result = try await PythonScript.run("interop_client.py", ["--port", String(port)])
        await server.shutdown(gracePeriod: .seconds(1))
        for name in Self.cases {
            #expect(result.output.contains("PASS \(name) "), "\(name):\n\(result.output)")
        }
        #expect(result.status == 0, "\(result.output)")
    }
}
