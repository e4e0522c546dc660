import HTTP2
import RPC
import Testing

/// A request whose metadata is larger than the server accepts (`maximumHeaderListSize` bytes, or
/// more than 128 fields) is refused with RESOURCE_EXHAUSTED saying so, not reset (which a client
/// can only report as INTERNAL), and the connection goes on serving.
@Suite struct RequestMetadataLimitTests {
    static let echo = MethodDescriptor(service: "test.Limits", method: "Echo", kind: .unary)

    @Test func oversizedMetadataGetsAStatusAndTheConnectionServesOn() async throws {
        var router = Router()
        router.register(ServerHandler(method: Self.echo, body: .unary { request, _ in request }))
        let server = HTTP2Server(
            configuration: ServerConfiguration(port: 0, maximumHeaderListSize: 4_096), router: router)
        let port = try await server.start()
        let client = try HTTP2ClientTransport(host: "127.0.0.1", port: port)
        defer { client.close() }
        let options = CallOptions(timeout: .seconds(30))

        var manyFields = Metadata()
        for index in 0..<200 { manyFields.add("x-field-\(index)", "v") }
        for metadata: Metadata in [["x-large": String(repeating: "x", count: 5_000)], manyFields] {
            var large = options
            large.metadata = metadata
            let error = await #expect(throws: RPCError.self) {
                _ = try await client.unary(Self.echo, request: [1], options: large)
            }
            #expect(error?.code == .resourceExhausted)
            #expect(
                error?.message == "the request's metadata is larger than this server accepts (4096 bytes, 128 fields)")
            // The same connection answers the next call.
            #expect(try await client.unary(Self.echo, request: [2], options: options).message == [2])
        }
        await server.shutdown(gracePeriod: .seconds(1))
    }
}
