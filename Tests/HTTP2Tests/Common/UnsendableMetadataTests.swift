import HTTP2
import RPC
import Testing

/// Response metadata HTTP/2 cannot carry never costs a call its status: an entry whose value
/// holds a control character (CR, LF, NUL) or whose name is no header name is left out, and the
/// handler's status and its other entries (a `grpc-status-details-bin`) reach the client. Before,
/// such an entry went out and the client's nghttp2 reset the stream (PROTOCOL_ERROR): the call
/// ended INTERNAL with no status.
@Suite struct UnsendableMetadataTests {
    static let method = MethodDescriptor(service: "test.Unsendable", method: "Fail", kind: .unary)

    /// A server whose one method adds `entries` to its headers and trailers and fails NOT_FOUND
    /// (its details in `grpc-status-details-bin`); the status the client sees.
    static func status(addingToResponse entries: [Metadata.Entry]) async throws -> RPCError? {
        var router = Router()
        router.register(
            ServerHandler(
                method: method,
                body: .unary { _, context in
                    for entry in entries {
                        context.response.addHeader(entry)
                        context.response.addTrailer(entry)
                    }
                    var details = Metadata()
                    details.add("grpc-status-details-bin", binary: [0x08, 0x05, 0x00, 0xFF])
                    details.add("x-kept", "yes")
                    throw RPCError(.notFound, "no such thing", metadata: details)
                }))
        let server = HTTP2Server(configuration: ServerConfiguration(port: 0), router: router)
        let port = try await server.start()
        let client = try HTTP2ClientTransport(host: "127.0.0.1", port: port)
        defer { client.close() }
        let error = await #expect(throws: RPCError.self) {
            _ = try await client.unary(Self.method, request: [], options: CallOptions(timeout: .seconds(30)))
        }
        await server.shutdown(gracePeriod: .seconds(1))
        return error
    }

    @Test(arguments: [
        "line\r\nbreak", "new\nline", "nul\u{0}byte", "bell\u{7}", "delete\u{7F}", " leading", "trailing ",
    ])
    func aValueWithAControlCharacterIsLeftOut(value: String) async throws {
        let error = try await Self.status(addingToResponse: [Metadata.Entry(key: "x-note", value: .string(value))])
        #expect(error?.code == .notFound, "\(String(describing: error))")
        #expect(error?.message == "no such thing")
        #expect(error?.metadata.binary("grpc-status-details-bin") == [0x08, 0x05, 0x00, 0xFF])
        #expect(error?.metadata["x-kept"] == "yes")
        #expect(error?.metadata["x-note"] == nil)
    }

    @Test(arguments: ["x note", "x-note:", "", "x-n\u{e9}", "x-note\r\nx-injected"])
    func aKeyThatIsNoHeaderNameIsLeftOut(key: String) async throws {
        let error = try await Self.status(addingToResponse: [Metadata.Entry(key: key, value: .string("v"))])
        #expect(error?.code == .notFound, "\(String(describing: error))")
        #expect(error?.metadata["x-kept"] == "yes")
        #expect(error?.metadata["x-injected"] == nil)
    }

    /// Metadata past the budget of a block is left out; before, a block over the 64 KiB nghttp2
    /// sends was never sent and the call hung until the client's deadline.
    @Test(arguments: [10_000, 20_000, 70_000])
    func aLargeEntryPastTheBudgetIsLeftOutAndTheStatusArrives(size: Int) async throws {
        let error = try await Self.status(addingToResponse: [
            Metadata.Entry(key: "x-big", value: .string(String(repeating: "a", count: size)))
        ])
        #expect(error?.code == .notFound, "\(size): \(String(describing: error))")
        #expect(error?.metadata.binary("grpc-status-details-bin") == [0x08, 0x05, 0x00, 0xFF])
        #expect((error?.metadata["x-big"] != nil) == (size < 32 * 1_024))
    }

    @Test func manyEntriesPastTheBudgetAreLeftOutAndTheStatusArrives() async throws {
        let entries = (0..<400).map {
            Metadata.Entry(key: "x-many-\($0)", value: .string(String(repeating: "m", count: 300)))
        }
        let error = try await Self.status(addingToResponse: entries)
        #expect(error?.code == .notFound, "\(String(describing: error))")
        #expect(error?.metadata["x-many-0"] != nil)
        #expect(error?.metadata["x-many-399"] == nil)
        let bytes = error?.metadata.reduce(0) { total, entry in
            guard case .string(let value) = entry.value else { return total }
            return total + entry.key.utf8.count + value.utf8.count + 32
        }
        #expect((bytes ?? 0) <= 32 * 1_024)
    }
}
