import HTTP2
import Interop
import RPC
import Synchronization
import Testing

/// Misbehaving HTTP/2 peers built from raw frames by a Python script: each gets the right error
/// and the server keeps serving well-behaved clients.
@Suite struct HostilePeerTests {
    static let cases = [
        "garbage_preface", "http1_on_the_port", "continuation_flood", "rapid_reset", "window_update_overflow",
        "oversized_headers", "too_many_headers", "amplified_headers", "amplified_trailers", "data_on_closed_stream",
        "non_grpc_content_type", "upload_ignoring_flow_control", "ping_flood",
    ]

    @Test func everyHostilePeerIsRefusedAndTheServerCarriesOn() async throws {
        let server = HTTP2Server(
            configuration: ServerConfiguration(port: 0), router: Router(services: [InteropTestService()]))
        let port = try await server.start()
        let result = try await PythonScript.run("hostile_peer.py", ["--port", String(port)])
        await server.shutdown(gracePeriod: .seconds(1))
        for name in Self.cases {
            #expect(result.output.contains("PASS \(name)"), "\(name):\n\(result.output)")
        }
        #expect(result.status == 0, "\(result.output)")
    }

    /// An idle connection is pinged, and closed when the PING goes unanswered.
    @Test func anUnansweredKeepalivePingClosesTheConnection() async throws {
        let keepalive = ServerConfiguration.Keepalive(interval: .milliseconds(200), timeout: .milliseconds(300))
        let server = HTTP2Server(
            configuration: ServerConfiguration(port: 0, keepalive: keepalive),
            router: Router(services: [InteropTestService()]))
        let port = try await server.start()
        let result = try await PythonScript.run("hostile_peer.py", ["--port", String(port), "--case", "ignore_pings"])
        await server.shutdown(gracePeriod: .seconds(1))
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("PASS ignore_pings"))
    }

    /// A handler writing an endless stream to a client that never reads is suspended by flow
    /// control instead of buffering without bound.
    @Test func aClientThatStopsReadingSuspendsTheWriter() async throws {
        let written = Atomic<Int>(0)
        var router = Router()
        router.register(
            ServerHandler(
                method: MethodDescriptor(service: "bench.Flood", method: "Stream", kind: .serverStreaming),
                body: .streaming { _, responses, _ in
                    let message = [UInt8](repeating: 1, count: 16 * 1024)
                    while true {
                        try await responses.write(message)
                        written.add(1, ordering: .relaxed)
                    }
                }))
        let server = HTTP2Server(configuration: ServerConfiguration(port: 0), router: router)
        let port = try await server.start()
        let peer = try await PythonServer("hostile_peer.py", ["--case", "stop_reading", "--target", String(port)])
        defer { peer.stop() }
        var waited = 0
        while written.load(ordering: .relaxed) == 0, waited < 300 {
            try await Task.sleep(for: .milliseconds(100))
            waited += 1
        }
        // Once flow control stops the writer, the count stays put while the peer reads nothing.
        var previous = -1
        var current = written.load(ordering: .relaxed)
        while current != previous, waited < 300 {
            try await Task.sleep(for: .milliseconds(500))
            waited += 5
            previous = current
            current = written.load(ordering: .relaxed)
        }
        let settled = previous
        let final = current
        await server.shutdown(gracePeriod: .seconds(1))
        // 64 KiB of client window plus 256 KiB of server buffer: about 20 messages of 16 KiB.
        #expect(settled > 0)
        #expect(final < 64, "the handler wrote \(final) messages to a peer that reads nothing")
        #expect(final == settled, "the handler kept writing while the peer read nothing")
    }
}
