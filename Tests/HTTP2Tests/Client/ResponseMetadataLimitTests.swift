import HTTP2
import RPC
import Testing

/// A response header block decoding to more than the client keeps (HPACK references let a few
/// kilobytes decode to megabytes) ends the call RESOURCE_EXHAUSTED saying so, and is not decoded
/// further: `hostile_server.py` answers with trailers of about 30 KB decoding to about 120 MB. The
/// client announces that limit in its SETTINGS.
@Suite struct ResponseMetadataLimitTests {
    @Test func responseMetadataPastTheLimitEndsTheCall() async throws {
        let server = try await PythonServer("hostile_server.py")
        defer { server.stop() }
        let client = try HTTP2ClientTransport(host: "127.0.0.1", port: server.port)
        defer { client.close() }
        let method = MethodDescriptor(service: "test.Hostile", method: "Echo", kind: .unary)
        let error = await #expect(throws: RPCError.self) {
            _ = try await client.unary(method, request: [1], options: CallOptions(timeout: .seconds(30)))
        }
        #expect(error?.code == .resourceExhausted)
        #expect(error?.message == "the response metadata from 127.0.0.1:\(server.port) is larger than 262144 bytes")
    }

    /// The client announces the limit it keeps (SETTINGS_MAX_HEADER_LIST_SIZE), so that a server
    /// honouring the setting may send that much; it announced the server default, 16 KiB, while
    /// keeping 256 KiB. `hostile_server.py --report-settings` echoes the announced value.
    @Test func theClientAnnouncesTheLimitItKeeps() async throws {
        let server = try await PythonServer("hostile_server.py", ["--report-settings"])
        defer { server.stop() }
        let client = try HTTP2ClientTransport(host: "127.0.0.1", port: server.port)
        defer { client.close() }
        let method = MethodDescriptor(service: "test.Hostile", method: "Echo", kind: .unary)
        let reply = try await client.unary(method, request: [1], options: CallOptions(timeout: .seconds(30)))
        #expect(reply.trailers["x-client-max-header-list-size"] == "262144")
    }
}
