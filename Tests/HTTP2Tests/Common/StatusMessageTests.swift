import HTTP2
import Interop
import InteropAPI
import RPC
import Testing
import Wire

/// A status message is shortened before it goes into `grpc-message`: messages may quote what a
/// caller sent, and a header block too large to send would leave the call without any status.
@Suite struct StatusMessageTests {
    @Test func aLongStatusMessageArrivesShortened() async throws {
        let server = HTTP2Server(
            configuration: ServerConfiguration(port: 0), router: Router(services: [InteropTestService()]))
        let port = try await server.start()
        let transport = try HTTP2ClientTransport(host: "127.0.0.1", port: port)
        defer { transport.close() }
        let client = TestService.Client(RPCClient(transport: transport))
        let long = String(repeating: "é", count: 50_000)
        do {
            _ = try await client.unaryCall(
                SimpleRequest.with {
                    $0.responseStatus = EchoStatus.with {
                        $0.code = 5
                        $0.message = long
                    }
                },
                options: CallOptions(timeout: .seconds(20)))
            Issue.record("the call succeeded")
        } catch let error as RPCError {
            #expect(error.code == .notFound)
            #expect(error.message.utf8.count <= 1_024)
            #expect(error.message.hasSuffix("..."))
            #expect(long.hasPrefix(error.message.dropLast(3)))
        }
        await server.shutdown(gracePeriod: .seconds(1))
    }
}
