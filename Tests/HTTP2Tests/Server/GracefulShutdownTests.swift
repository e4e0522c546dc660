import HTTP2
import Interop
import InteropAPI
import RPC
import Testing
import Wire

/// Shutting a server down: calls in flight finish, the connection gets GOAWAY, and new calls
/// fail UNAVAILABLE.
@Suite struct GracefulShutdownTests {
    @Test func callsInFlightFinishAndNewCallsAreRefused() async throws {
        let server = HTTP2Server(
            configuration: ServerConfiguration(port: 0), router: Router(services: [InteropTestService()]))
        let port = try await server.start()
        let transport = try HTTP2ClientTransport(host: "127.0.0.1", port: port)
        defer { transport.close() }
        let client = TestService.Client(RPCClient(transport: transport))
        _ = try await client.emptyCall(Empty())

        // A call that takes about 600 ms, started before the shutdown.
        let slow = StreamingOutputCallRequest.with { request in
            request.responseParameters = (0..<3).map { _ in
                ResponseParameters.with {
                    $0.size = 10; $0.intervalUs = 200_000
                }
            }
        }
        // The shutdown starts once the first response arrived: the call is in flight for certain
        // (a fixed sleep let a slow machine start the shutdown before the call reached the server).
        let (firstResponse, arrived) = AsyncStream<Void>.makeStream()
        let inFlight = Task {
            defer { arrived.finish() }
            return try await client.streamingOutputCall(slow) { responses, _ in
                var count = 0
                for try await _ in responses {
                    count += 1
                    arrived.yield()
                }
                return count
            }
        }
        for await _ in firstResponse { break }
        await server.shutdown(gracePeriod: .seconds(10))
        #expect(try await inFlight.value == 3)

        do {
            _ = try await client.emptyCall(Empty())
            Issue.record("a call after shutdown succeeded")
        } catch let error as RPCError {
            #expect(error.code == .unavailable)
        }
    }
}
