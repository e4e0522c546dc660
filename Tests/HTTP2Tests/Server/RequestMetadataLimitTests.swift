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

    /// Runs `body` with a client connected to an echo server accepting `maximumHeaderListSize`
    /// bytes of request headers (and the server's port), then stops both.
    static func withClient(
        maximumHeaderListSize: Int, _ body: (HTTP2ClientTransport, Int) async throws -> Void
    ) async throws {
        var router = Router()
        router.register(ServerHandler(method: Self.echo, body: .unary { request, _ in request }))
        let server = HTTP2Server(
            configuration: ServerConfiguration(port: 0, maximumHeaderListSize: maximumHeaderListSize), router: router)
        let port = try await server.start()
        let client = try HTTP2ClientTransport(host: "127.0.0.1", port: port)
        do {
            try await body(client, port)
        } catch {
            client.close()
            await server.shutdown(gracePeriod: .seconds(1))
            throw error
        }
        client.close()
        await server.shutdown(gracePeriod: .seconds(1))
    }

    /// Calls the echo with `metadata`; the error it must end with (nil, recorded, if it succeeds).
    static func refusal(of metadata: Metadata, on client: HTTP2ClientTransport) async -> RPCError? {
        var options = CallOptions(timeout: .seconds(30))
        options.metadata = metadata
        return await #expect(throws: RPCError.self) {
            _ = try await client.unary(Self.echo, request: [1], options: options)
        }
    }

    /// Whether a call with `metadata` is echoed.
    static func echoes(_ metadata: Metadata = [:], on client: HTTP2ClientTransport) async throws -> Bool {
        var options = CallOptions(timeout: .seconds(30))
        options.metadata = metadata
        return try await client.unary(Self.echo, request: [2], options: options).message == [2]
    }

    static func metadata(_ bytes: Int) -> Metadata { ["x-large": String(repeating: "x", count: bytes)] }

    @Test func oversizedMetadataGetsAStatusAndTheConnectionServesOn() async throws {
        try await Self.withClient(maximumHeaderListSize: 4_096) { client, _ async throws in
            #expect(try await Self.echoes(on: client))
            var manyFields = Metadata()
            for index in 0..<200 { manyFields.add("x-field-\(index)", "v") }
            for metadata in [Self.metadata(5_000), manyFields] {
                let error = await Self.refusal(of: metadata, on: client)
                #expect(error?.code == .resourceExhausted)
                #expect(
                    error?.message.contains("is larger than") == true && error?.message.contains("4096 bytes") == true)
                // The same connection answers the next call.
                #expect(try await Self.echoes(on: client))
            }
        }
    }

    /// A fresh client's first call may go out before the server's SETTINGS arrive (its limit
    /// unknown): whichever side refuses it, the call ends RESOURCE_EXHAUSTED, and the next serves.
    @Test func aFirstCallOverTheLimitEndsResourceExhaustedWhoeverRefusesIt() async throws {
        try await Self.withClient(maximumHeaderListSize: 4_096) { client, _ async throws in
            let error = await Self.refusal(of: Self.metadata(5_000), on: client)
            #expect(error?.code == .resourceExhausted)
            #expect(error?.message.contains("4096 bytes") == true)
            #expect(try await Self.echoes(on: client))
        }
    }

    /// Over 64 KiB nghttp2 sends no header block: the call used to end UNAVAILABLE "the server
    /// refused the stream" (and be retried) although no server had seen it.
    @Test func metadataHTTP2CannotCarryIsRefusedByTheClient() async throws {
        try await Self.withClient(maximumHeaderListSize: 1 << 20) { client, port async throws in
            #expect(try await Self.echoes(on: client))
            let error = await Self.refusal(of: Self.metadata(70_000), on: client)
            #expect(error?.code == .resourceExhausted)
            #expect(error?.message.hasPrefix("the request's metadata (70") == true)
            #expect(error?.message.hasSuffix("bytes) is larger than 127.0.0.1:\(port) accepts (65536 bytes)") == true)
            #expect(try await Self.echoes(Self.metadata(20_000), on: client))
        }
    }
}
