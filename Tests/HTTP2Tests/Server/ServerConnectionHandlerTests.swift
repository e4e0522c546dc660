import NIOCore
import NIOEmbedded
import RPC
import Testing

@testable import HTTP2

/// The server's channel handler in an `EmbeddedChannel`, driven by an nghttp2 client session in
/// the test: no sockets, no threads.
@Suite struct ServerConnectionHandlerTests {
    /// A client side that records what the server sends back.
    final class TestClient: NGHTTP2SessionDelegate {
        let session: NGHTTP2Session
        var headers: [Int32: [HeaderList]] = [:]
        var current: HeaderList = []
        var data: [Int32: [UInt8]] = [:]
        var body: [Int32: [UInt8]] = [:]
        var closed: [Int32: UInt32] = [:]
        /// Streams whose request is never ended (no END_STREAM after the body).
        var keepOpen: Set<Int32> = []
        /// Every frame received, as (type, stream id).
        var frames: [(type: UInt8, streamID: Int32)] = []
        /// Whether received DATA is reported consumed (reopening the server's windows).
        var consumesData = true

        init(limits: NGHTTP2Session.Limits = NGHTTP2Session.Limits()) throws {
            session = try NGHTTP2Session(role: .client, limits: limits)
        }

        func request(
            path: String, contentType: String = "application/grpc", extra: HeaderList = [], message: [UInt8]
        ) -> Int32? {
            let headers: HeaderList =
                [
                    (":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "test"),
                    ("content-type", contentType), ("te", "trailers"),
                ] + extra
            guard let id = try? session.submitRequest(headers: headers) else { return nil }
            body[id] = [0] + withUnsafeBytes(of: UInt32(message.count).bigEndian, Array.init) + message
            return id
        }

        /// Moves bytes both ways until neither side has anything more to say.
        func exchange(with channel: EmbeddedChannel) throws {
            for _ in 0..<20 {
                var outgoing = ByteBuffer()
                try session.send(into: &outgoing, limit: 1 << 20, delegate: self)
                if outgoing.readableBytes > 0 { try channel.writeInbound(outgoing) }
                (channel.eventLoop as? EmbeddedEventLoop)?.run()
                var received = false
                while let incoming = try channel.readOutbound(as: ByteBuffer.self) {
                    received = true
                    _ = incoming.withUnsafeReadableBytes { session.receive($0, delegate: self) }
                }
                if outgoing.readableBytes == 0, !received { return }
            }
        }

        func sessionBeginsHeaders(streamID: Int32) { current = [] }
        func sessionReceivedHeader(streamID: Int32, name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>)
            -> Bool
        {
            current.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
            return true
        }
        func sessionReceivedHeaders(streamID: Int32, isTrailers: Bool, endStream: Bool) {
            headers[streamID, default: []].append(current)
        }
        func sessionReceivedData(streamID: Int32, bytes: UnsafeRawBufferPointer) {
            data[streamID, default: []] += bytes
            if consumesData { session.consume(streamID: streamID, count: bytes.count) }
        }
        func sessionReceivedEndOfStream(streamID: Int32) {}
        func sessionClosedStream(streamID: Int32, errorCode: UInt32) { closed[streamID] = errorCode }
        func sessionReadData(streamID: Int32, into buffer: UnsafeMutableRawBufferPointer) -> NGHTTP2Session.DataRead {
            let pending = body[streamID] ?? []
            let count = min(buffer.count, pending.count)
            pending.withUnsafeBytes { source in
                if count > 0, let base = source.baseAddress {
                    buffer.baseAddress?.copyMemory(from: base, byteCount: count)
                }
            }
            body[streamID] = Array(pending.dropFirst(count))
            guard body[streamID]?.isEmpty == true else { return .data(count: count) }
            if keepOpen.contains(streamID) { return count > 0 ? .data(count: count) : .deferred }
            return .end(count: count, trailers: nil)
        }
        func sessionReceivedFrame(type: UInt8, flags: UInt8, streamID: Int32) {
            frames.append((type, streamID))
        }
        func sessionSentFrame(type: UInt8, flags: UInt8, streamID: Int32) {}
        func sessionReceivedInvalidFrame(streamID: Int32) {}
    }

    static func makeChannel() throws -> EmbeddedChannel {
        var router = Router()
        router.register(
            ServerHandler(
                method: MethodDescriptor(service: "test.Echo", method: "Unary", kind: .unary),
                body: .unary { request, _ in request }))
        let handler = try #require(ServerConnectionHandler(router: router, configuration: ServerConfiguration(port: 0)))
        let channel = EmbeddedChannel(handler: handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    static func value(_ name: String, in block: HeaderList?) -> String? {
        block?.first { $0.name == name }?.value
    }

    @Test func aUnaryCallIsAnsweredWithHeadersMessageAndTrailers() throws {
        let channel = try Self.makeChannel()
        let client = try TestClient()
        let id = try #require(client.request(path: "/test.Echo/Unary", message: [1, 2, 3]))
        try client.exchange(with: channel)
        let blocks = try #require(client.headers[id])
        #expect(blocks.count == 2)
        #expect(Self.value(":status", in: blocks.first) == "200")
        #expect(Self.value("content-type", in: blocks.first) == "application/grpc")
        #expect(Self.value("grpc-status", in: blocks.last) == "0")
        #expect(client.data[id] == [0, 0, 0, 0, 3, 1, 2, 3])
        #expect(client.closed[id] == 0)
    }

    /// The cheap dispatch: a handler that does not suspend answers within the read that
    /// completed its request, with no task run on the event loop afterwards.
    @Test func aHandlerThatDoesNotSuspendAnswersWithinTheRead() throws {
        let channel = try Self.makeChannel()
        let client = try TestClient()
        let id = try #require(client.request(path: "/test.Echo/Unary", message: [4, 5]))
        var request = ByteBuffer()
        _ = try client.session.send(into: &request, limit: 1 << 20, delegate: client)
        try channel.writeInbound(request)
        // The event loop is not run: only what the read itself wrote is there.
        while let incoming = try channel.readOutbound(as: ByteBuffer.self) {
            _ = incoming.withUnsafeReadableBytes { client.session.receive($0, delegate: client) }
        }
        #expect(client.data[id] == [0, 0, 0, 0, 2, 4, 5])
        #expect(Self.value("grpc-status", in: client.headers[id]?.last) == "0")
    }

    @Test func anUnknownMethodGetsTrailersOnlyUnimplemented() throws {
        let channel = try Self.makeChannel()
        let client = try TestClient()
        let id = try #require(client.request(path: "/test.Echo/Missing", message: []))
        try client.exchange(with: channel)
        let blocks = try #require(client.headers[id])
        #expect(blocks.count == 1)
        #expect(Self.value(":status", in: blocks.first) == "200")
        #expect(Self.value("grpc-status", in: blocks.first) == "12")
        #expect(Self.value("grpc-message", in: blocks.first)?.contains("Missing") == true)
        #expect(client.data[id] == nil)
    }

    @Test func aNonGRPCContentTypeGetsHTTP415() throws {
        let channel = try Self.makeChannel()
        let client = try TestClient()
        let id = try #require(client.request(path: "/test.Echo/Unary", contentType: "text/plain", message: []))
        try client.exchange(with: channel)
        #expect(Self.value(":status", in: client.headers[id]?.first) == "415")
    }

    @Test func anOversizedMessageIsRefusedFromItsPrefix() throws {
        let channel = try Self.makeChannel()
        let client = try TestClient()
        let id = try #require(client.request(path: "/test.Echo/Unary", message: []))
        client.body[id] = [0, 0x10, 0, 0, 0]  // announces 256 MiB, sends nothing more
        try client.exchange(with: channel)
        let blocks = try #require(client.headers[id])
        #expect(Self.value("grpc-status", in: blocks.last) == "8")
    }
}
