import Foundation
import HTTP2
import InteropAPI
import RPC
import TestSupport
import Testing
import Wire

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A service process with `--metrics-port` serves its per-method call counts, failures and
/// latencies in the Prometheus text format.
@Suite struct MetricsEndpointTests {
    static func get(_ url: String) async throws -> (Int, String) {
        let (data, response) = try await URLSession.shared.data(from: try #require(URL(string: url)))
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func callsAreCountedPerMethodAndServedAtMetrics() async throws {
        let server = try ChildProcess("interop-server", ["--port", "0", "--metrics-port", "0"])
        let port = try await server.waitForPort()
        let metricsLine = try await server.waitForLine { $0.contains("metrics on port ") }
        let metricsPort = try #require(metricsLine.split(separator: " ").last.flatMap { Int($0) })
        let transport = try HTTP2ClientTransport(host: "127.0.0.1", port: port)
        defer { transport.close() }
        let client = TestService.Client(RPCClient(transport: transport))
        for _ in 0..<3 { _ = try await client.emptyCall(Empty()) }
        await #expect(throws: RPCError.self) {
            _ = try await client.unaryCall(
                SimpleRequest.with {
                    $0.responseStatus = EchoStatus.with {
                        $0.code = 5; $0.message = "no"
                    }
                })
        }

        let (status, body) = try await Self.get("http://127.0.0.1:\(metricsPort)/metrics")
        #expect(status == 200)
        #expect(body.contains(#"rpc_server_calls_total{method="/grpc.testing.TestService/EmptyCall"} 3"#), "\(body)")
        #expect(
            body.contains(#"rpc_server_errors_total{method="/grpc.testing.TestService/UnaryCall",code="NOT_FOUND"} 1"#))
        #expect(body.contains("rpc_server_duration_nanoseconds"))
        #expect(try await Self.get("http://127.0.0.1:\(metricsPort)/other").0 == 404)
        server.send(SIGTERM)
        #expect(try await server.waitForExit() == 0)
    }
}
