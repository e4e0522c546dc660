import HTTP2
import RPC
import Testing

/// A request whose metadata is larger than the server accepts (`maximumHeaderListSize` bytes, or
/// more than 128 fields) ends RESOURCE_EXHAUSTED saying so, never as a bare reset (which a client
/// can only report as INTERNAL) nor as UNAVAILABLE (which it would retry): the client refuses it
/// itself once it knows the server's limit (SETTINGS_MAX_HEADER_LIST_SIZE) or when it exceeds what
/// HTTP/2 can carry, and the server answers with a status when a client sends it anyway (raw
/// frames: `hostile_peer.py` `oversized_headers`, `too_many_headers`). The connection serves on.
@Suite struct RequestMetadataLimitTests {
    static let echo = MethodDescriptor(service: "test.Limits", method: "Echo", kind: .unary)

    static func server(maximumHeaderListSize: Int) -> HTTP2Server {
        var router = Router()
        router.register(ServerHandler(method: Self.echo, body: .unary { request, _ in request }))
        return HTTP2Server(
            configuration: ServerConfiguration(port: 0, maximumHeaderListSize: maximumHeaderListSize), router: router)
    }

    static func metadata(_ bytes: Int) -> Metadata { ["x-large": String(repeating: "x", count: bytes)] }

    @Test func oversizedMetadataGetsAStatusAndTheConnectionServesOn() async throws {
        let server = Self.server(maximumHeaderListSize: 4_096)
        let port = try await server.start()
        let client = try HTTP2ClientTransport(host: "127.0.0.1", port: port)
        defer { client.close() }
        let options = CallOptions(timeout: .seconds(30))
        #expect(try await client.unary(Self.echo, request: [0], options: options).message == [0])

        var manyFields = Metadata()
        for index in 0..<200 { manyFields.add("x-field-\(index)", "v") }
        for metadata in [Self.metadata(5_000), manyFields] {
            var large = options
            large.metadata = metadata
            let error = await #expect(throws: RPCError.self) {
                _ = try await client.unary(Self.echo, request: [1], options: large)
            }
            #expect(error?.code == .resourceExhausted)
            #expect(error?.message.contains("is larger than") == true && error?.message.contains("4096 bytes") == true)
            // The same connection answers the next call.
            #expect(try await client.unary(Self.echo, request: [2], options: options).message == [2])
        }
        await server.shutdown(gracePeriod: .seconds(1))
    }

    /// A fresh client's first call may go out before the server's SETTINGS arrive (its limit
    /// unknown): whichever side refuses it, the call ends RESOURCE_EXHAUSTED, and the next serves.
    @Test func aFirstCallOverTheLimitEndsResourceExhaustedWhoeverRefusesIt() async throws {
        let server = Self.server(maximumHeaderListSize: 4_096)
        let port = try await server.start()
        let client = try HTTP2ClientTransport(host: "127.0.0.1", port: port)
        defer { client.close() }
        var options = CallOptions(timeout: .seconds(30))
        options.metadata = Self.metadata(5_000)
        let error = await #expect(throws: RPCError.self) {
            _ = try await client.unary(Self.echo, request: [1], options: options)
        }
        #expect(error?.code == .resourceExhausted)
        #expect(error?.message.contains("4096 bytes") == true)
        options.metadata = [:]
        #expect(try await client.unary(Self.echo, request: [2], options: options).message == [2])
        await server.shutdown(gracePeriod: .seconds(1))
    }

    /// Over 64 KiB nghttp2 sends no header block: the call used to end UNAVAILABLE "the server
    /// refused the stream" (and be retried) although no server had seen it.
    @Test func metadataHTTP2CannotCarryIsRefusedByTheClient() async throws {
        let server = Self.server(maximumHeaderListSize: 1 << 20)
        let port = try await server.start()
        let client = try HTTP2ClientTransport(host: "127.0.0.1", port: port)
        defer { client.close() }
        var options = CallOptions(timeout: .seconds(30))
        #expect(try await client.unary(Self.echo, request: [0], options: options).message == [0])
        options.metadata = Self.metadata(70_000)
        let error = await #expect(throws: RPCError.self) {
            _ = try await client.unary(Self.echo, request: [1], options: options)
        }
        #expect(error?.code == .resourceExhausted)
        #expect(error?.message.hasPrefix("the request's metadata (70") == true)
        #expect(error?.message.hasSuffix("bytes) is larger than 127.0.0.1:\(port) accepts (65536 bytes)") == true)
        options.metadata = Self.metadata(20_000)
        #expect(try await client.unary(Self.echo, request: [2], options: options).message == [2])
        await server.shutdown(gracePeriod: .seconds(1))
    }
}
