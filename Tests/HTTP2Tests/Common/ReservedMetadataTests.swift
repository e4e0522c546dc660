import HTTP2
import RPC
import Testing

/// Response metadata never restates what gRPC or HTTP/2 itself says: a handler's headers and
/// trailers named `grpc-status`, `content-type`, a pseudo-header or a connection-specific header
/// are left out, so the call's own status and content type reach the client, and nghttp2 never
/// refuses the block (which would end the call without any status). Other entries arrive.
@Suite struct ReservedMetadataTests {
    static let ok = MethodDescriptor(service: "test.Reserved", method: "Ok", kind: .unary)
    static let failing = MethodDescriptor(service: "test.Reserved", method: "Fail", kind: .unary)
    static let reserved = [
        "grpc-status", "grpc-message", "content-type", ":status", "te", "connection", "transfer-encoding",
    ]

    static func addReservedEntries(to context: ServerContext) {
        for key in reserved {
            context.response.addHeader(Metadata.Entry(key: key, value: .string("13")))
            context.response.addTrailer(Metadata.Entry(key: key, value: .string("13")))
        }
        context.response.addHeader(Metadata.Entry(key: "x-kept-header", value: .string("yes")))
        context.response.addTrailer(Metadata.Entry(key: "x-kept-trailer", value: .string("yes")))
    }

    @Test func reservedNamesAreLeftOutAndTheCallsStatusStands() async throws {
        var router = Router()
        router.register(
            ServerHandler(
                method: Self.ok,
                body: .unary { request, context in
                    Self.addReservedEntries(to: context)
                    return request
                }))
        router.register(
            ServerHandler(
                method: Self.failing,
                body: .unary { _, context in
                    Self.addReservedEntries(to: context)
                    throw RPCError(.notFound, "no such thing", metadata: ["grpc-status": "0", "x-kept-error": "yes"])
                }))
        let server = HTTP2Server(configuration: ServerConfiguration(port: 0), router: router)
        let port = try await server.start()
        let client = try HTTP2ClientTransport(host: "127.0.0.1", port: port)
        defer { client.close() }

        let reply = try await client.unary(Self.ok, request: [1, 2, 3], options: CallOptions(timeout: .seconds(30)))
        #expect(reply.message == [1, 2, 3])
        #expect(reply.headers["x-kept-header"] == "yes")
        #expect(reply.trailers["x-kept-trailer"] == "yes")

        let error = await #expect(throws: RPCError.self) {
            _ = try await client.unary(Self.failing, request: [], options: CallOptions(timeout: .seconds(30)))
        }
        #expect(error?.code == .notFound)
        #expect(error?.message == "no such thing")
        #expect(error?.metadata["x-kept-trailer"] == "yes")
        #expect(error?.metadata["x-kept-error"] == "yes")
        await server.shutdown(gracePeriod: .seconds(1))
    }
}
