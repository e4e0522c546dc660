import CNGHTTP2
import NIOCore
import Testing

@testable import HTTP2

/// `NGHTTP2Session` on its own: a client and a server session passing bytes to each other in
/// memory, each with a delegate that records what it is told. No channel, no sockets.
@Suite struct NGHTTP2SessionTests {
    /// One side: its session and what it has seen.
    final class Peer: NGHTTP2SessionDelegate {
        let session: NGHTTP2Session
        var received: [(type: UInt8, flags: UInt8, streamID: Int32)] = []
        var headers: [Int32: HeaderList] = [:]
        var closed: [Int32: UInt32] = [:]
        /// Bodies to send, by stream; the stream ends after its body, with its trailers if any.
        var bodies: [Int32: [UInt8]] = [:]
        var trailers: [Int32: HeaderList] = [:]
        /// DATA bytes received by stream, and whether they are reported consumed on receipt.
        var receivedBytes: [Int32: Int] = [:]
        var consumesOnReceipt = true

        init(_ role: NGHTTP2Session.Role, limits: NGHTTP2Session.Limits = NGHTTP2Session.Limits()) throws {
            session = try NGHTTP2Session(role: role, limits: limits)
        }

        func received(_ type: UInt32) -> Bool { received.contains { UInt32($0.type) == type } }

        /// Whether a frame of `type` arrived with `flag` set (or without it, if `set` is false).
        func received(_ type: UInt32, flag: UInt32, set: Bool = true) -> Bool {
            received.contains { UInt32($0.type) == type && ($0.flags & UInt8(flag) != 0) == set }
        }

        func sessionBeginsHeaders(streamID: Int32) {}
        func sessionReceivedHeader(streamID: Int32, name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>)
            -> Bool
        {
            headers[streamID, default: []].append(
                (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
            return true
        }
        func sessionReceivedHeaders(streamID: Int32, isTrailers: Bool, endStream: Bool) {}
        func sessionReceivedData(streamID: Int32, bytes: UnsafeRawBufferPointer) {
            receivedBytes[streamID, default: 0] += bytes.count
            if consumesOnReceipt { session.consume(streamID: streamID, count: bytes.count) }
        }
        func sessionReceivedEndOfStream(streamID: Int32) {}
        func sessionClosedStream(streamID: Int32, errorCode: UInt32) { closed[streamID] = errorCode }
        func sessionReadData(streamID: Int32, into buffer: UnsafeMutableRawBufferPointer) -> NGHTTP2Session.DataRead {
            var body = bodies[streamID] ?? []
            let count = min(body.count, buffer.count)
            buffer.copyBytes(from: body.prefix(count))
            body.removeFirst(count)
            guard body.isEmpty else {
                bodies[streamID] = body
                return .data(count: count)
            }
            bodies[streamID] = nil
            return .end(count: count, trailers: trailers.removeValue(forKey: streamID))
        }
        func sessionReceivedFrame(type: UInt8, flags: UInt8, streamID: Int32) {
            received.append((type, flags, streamID))
        }
        func sessionSentFrame(type: UInt8, flags: UInt8, streamID: Int32) {}
        func sessionReceivedInvalidFrame(streamID: Int32) {}
    }

    static let request: HeaderList = [
        (":method", "POST"), (":scheme", "http"), (":path", "/test.Echo/Unary"), (":authority", "test"),
        ("content-type", "application/grpc"), ("te", "trailers"),
    ]

    /// Moves bytes both ways until neither side has anything to send.
    func exchange(_ client: Peer, _ server: Peer) throws {
        for _ in 0..<20 {
            var moved = false
            for (from, to) in [(client, server), (server, client)] {
                var bytes = ByteBuffer()
                try from.session.send(into: &bytes, limit: 1 << 20, delegate: from)
                guard bytes.readableBytes > 0 else { continue }
                moved = true
                let accepted = bytes.withUnsafeReadableBytes { to.session.receive($0, delegate: to) }
                #expect(accepted)
            }
            if !moved { return }
        }
    }

    @Test func settingsAreAnnouncedAndAcknowledged() throws {
        var limits = NGHTTP2Session.Limits()
        limits.maxConcurrentStreams = 7
        let client = try Peer(.client)
        let server = try Peer(.server, limits: limits)
        try exchange(client, server)
        #expect(client.session.peerMaxConcurrentStreams == 7)
        let ack = UInt8(NGHTTP2_FLAG_ACK.rawValue)
        for peer in [client, server] {
            #expect(peer.received.contains { UInt32($0.type) == NGHTTP2_SETTINGS.rawValue && $0.flags & ack == 0 })
            #expect(peer.received.contains { UInt32($0.type) == NGHTTP2_SETTINGS.rawValue && $0.flags & ack != 0 })
        }
    }

    @Test func aRequestIsAnswered() throws {
        let client = try Peer(.client)
        let server = try Peer(.server)
        let id = try client.session.submitRequest(headers: Self.request)
        #expect(id == 1)
        try exchange(client, server)
        #expect(server.headers[id]?.first { $0.name == ":path" }?.value == "/test.Echo/Unary")
        server.bodies[id] = [0, 0, 0, 0, 0]
        try server.session.submitResponse(streamID: id, headers: [(":status", "200")], hasBody: true)
        try exchange(client, server)
        #expect(client.headers[id]?.first { $0.name == ":status" }?.value == "200")
        #expect(client.closed[id] == NGHTTP2_NO_ERROR.rawValue)
    }

    @Test func submittingOnAClosedOrInvalidStreamFailsWithATypedError() throws {
        let client = try Peer(.client)
        let server = try Peer(.server)
        let id = try client.session.submitRequest(headers: Self.request)
        try exchange(client, server)
        client.session.resetStream(id, errorCode: NGHTTP2_CANCEL.rawValue)
        try exchange(client, server)
        #expect(server.closed[id] == NGHTTP2_CANCEL.rawValue)

        // The stream is gone: there is no body to resume.
        #expect(server.session.resumeData(streamID: id) == false)
        #expect(throws: NGHTTP2Error(operation: "nghttp2_submit_trailer", code: NGHTTP2_ERR_INVALID_ARGUMENT.rawValue))
        {
            try server.session.submitTrailers(streamID: 0, headers: [("grpc-status", "0")])
        }
        #expect(throws: NGHTTP2Error(operation: "nghttp2_submit_response", code: NGHTTP2_ERR_INVALID_ARGUMENT.rawValue))
        {
            try server.session.submitResponse(streamID: -1, headers: [(":status", "200")], hasBody: false)
        }
        // A server cannot open streams.
        #expect(throws: NGHTTP2Error(operation: "nghttp2_submit_request", code: NGHTTP2_ERR_PROTO.rawValue)) {
            _ = try server.session.submitRequest(headers: Self.request)
        }
        #expect(server.session.failure == nil, "stream-level failures leave the connection alone")
    }

    @Test func aRequestAfterGoawayIsRefusedNotLost() throws {
        let client = try Peer(.client)
        let server = try Peer(.server)
        try exchange(client, server)
        server.session.submitGoaway(errorCode: NGHTTP2_NO_ERROR.rawValue, debug: "bye")
        try exchange(client, server)
        #expect(client.received(NGHTTP2_GOAWAY.rawValue))
        #expect(server.session.failure == nil)

        let id = try client.session.submitRequest(headers: Self.request)
        try exchange(client, server)
        #expect(client.closed[id] == NGHTTP2_REFUSED_STREAM.rawValue)
        #expect(server.headers[id] == nil)
    }

    @Test func aFailedConnectionLevelCallFailsTheNextSend() throws {
        let client = try Peer(.client)
        // Only a server may send the shutdown notice.
        client.session.submitShutdownNotice()
        let expected = NGHTTP2Error(
            operation: "nghttp2_submit_shutdown_notice", code: NGHTTP2_ERR_INVALID_STATE.rawValue)
        #expect(client.session.failure == expected)
        var bytes = ByteBuffer()
        #expect(throws: expected) {
            try client.session.send(into: &bytes, limit: 1 << 20, delegate: client)
        }
        #expect(bytes.readableBytes == 0)
    }

    @Test func trailersFollowTheBodyAndEndTheStream() throws {
        let client = try Peer(.client)
        let server = try Peer(.server)
        let id = try client.session.submitRequest(headers: Self.request)
        try exchange(client, server)
        server.bodies[id] = [0, 0, 0, 0, 1, 42]
        server.trailers[id] = [("grpc-status", "0")]
        try server.session.submitResponse(streamID: id, headers: [(":status", "200")], hasBody: true)
        try exchange(client, server)
        #expect(client.receivedBytes[id] == 6)
        #expect(client.headers[id]?.map(\.name) == [":status", "grpc-status"])
        #expect(client.received(NGHTTP2_HEADERS.rawValue, flag: NGHTTP2_FLAG_END_STREAM.rawValue))
        #expect(!client.received(NGHTTP2_DATA.rawValue, flag: NGHTTP2_FLAG_END_STREAM.rawValue))
        #expect(client.closed[id] == NGHTTP2_NO_ERROR.rawValue)
    }

    @Test func aResetReachesThePeerWithItsCode() throws {
        let client = try Peer(.client)
        let server = try Peer(.server)
        let id = try client.session.submitRequest(headers: Self.request)
        try exchange(client, server)
        server.session.resetStream(id, errorCode: NGHTTP2_REFUSED_STREAM.rawValue)
        try exchange(client, server)
        #expect(client.closed[id] == NGHTTP2_REFUSED_STREAM.rawValue)
        #expect(server.closed[id] == NGHTTP2_REFUSED_STREAM.rawValue)
        #expect(client.session.failure == nil && server.session.failure == nil)
    }

    @Test func aPingIsAcknowledged() throws {
        let client = try Peer(.client)
        let server = try Peer(.server)
        try exchange(client, server)
        client.session.submitPing(payload: 7)
        try exchange(client, server)
        #expect(server.received(NGHTTP2_PING.rawValue, flag: NGHTTP2_FLAG_ACK.rawValue, set: false))
        #expect(client.received(NGHTTP2_PING.rawValue, flag: NGHTTP2_FLAG_ACK.rawValue))
    }

    @Test func dataIsHeldAtTheWindowUntilConsumed() throws {
        var limits = NGHTTP2Session.Limits()
        limits.initialWindowSize = 65_535
        let client = try Peer(.client)
        let server = try Peer(.server, limits: limits)
        server.consumesOnReceipt = false
        try exchange(client, server)
        let id = try client.session.submitRequest(headers: Self.request)
        client.bodies[id] = [UInt8](repeating: 1, count: 100_000)
        try exchange(client, server)
        #expect(server.receivedBytes[id] == 65_535, "the client stops at the stream window")
        server.session.consume(streamID: id, count: 65_535)
        try exchange(client, server)
        #expect(server.receivedBytes[id] == 100_000)
        #expect(server.received(NGHTTP2_DATA.rawValue, flag: NGHTTP2_FLAG_END_STREAM.rawValue))
    }

    @Test func aProtocolErrorIsAnsweredWithGoawayAndEndsTheSession() throws {
        let client = try Peer(.client)
        let server = try Peer(.server)
        try exchange(client, server)
        // A DATA frame on stream 0 is a connection error (PROTOCOL_ERROR).
        let frame: [UInt8] = [0, 0, 1, 0x0, 0x0, 0, 0, 0, 0, 0]
        _ = frame.withUnsafeBytes { server.session.receive($0, delegate: server) }
        var bytes = ByteBuffer()
        try server.session.send(into: &bytes, limit: 1 << 20, delegate: server)
        _ = bytes.withUnsafeReadableBytes { client.session.receive($0, delegate: client) }
        #expect(client.received(NGHTTP2_GOAWAY.rawValue))
        #expect(!server.session.isAlive)
    }

    @Test func aFailedConsumeFailsTheConnection() throws {
        let server = try Peer(.server)
        server.session.consume(streamID: 0, count: 1)
        let expected = NGHTTP2Error(operation: "nghttp2_session_consume", code: NGHTTP2_ERR_INVALID_ARGUMENT.rawValue)
        #expect(server.session.failure == expected)
        #expect(expected.description.contains("nghttp2_session_consume failed"))
        var bytes = ByteBuffer()
        #expect(throws: expected) { try server.session.send(into: &bytes, limit: 1 << 20, delegate: server) }
    }
}
