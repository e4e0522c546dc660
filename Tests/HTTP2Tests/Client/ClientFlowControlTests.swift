import HTTP2
import RPC
import Synchronization
import Testing

/// Inbound flow control on the client: a caller that stops reading a server stream holds the
/// server back at the stream window, and gets every message once it reads again.
@Suite struct ClientFlowControlTests {
    static let method = MethodDescriptor(service: "test.FlowControl", method: "Flood", kind: .serverStreaming)
    static let messageSize = 16 * 1024
    static let messageCount = 1024  // 16 MiB, far more than the 1 MiB stream window

    /// Messages the server's handler has written, and whether it returned.
    final class Progress: Sendable {
        let written = Atomic<Int>(0)
        let returned = Atomic<Bool>(false)
    }

    /// A handler writing `messageCount` messages, each starting with its index.
    static func router(_ progress: Progress) -> Router {
        var router = Router()
        router.register(
            ServerHandler(
                method: method,
                body: .streaming { _, writer, _ in
                    for index in 0..<messageCount {
                        var message = [UInt8](repeating: 0, count: messageSize)
                        message[0] = UInt8(truncatingIfNeeded: index >> 8)
                        message[1] = UInt8(truncatingIfNeeded: index)
                        try await writer.write(message)
                        progress.written.add(1, ordering: .relaxed)
                    }
                    progress.returned.store(true, ordering: .relaxed)
                }))
        return router
    }

    @Test func aReaderThatStopsHoldsTheServerBackThenGetsEverything() async throws {
        let progress = Progress()
        let server = HTTP2Server(configuration: ServerConfiguration(port: 0), router: Self.router(progress))
        let port = try await server.start()
        let transport = try HTTP2ClientTransport(host: "127.0.0.1", port: port)
        defer { transport.close() }

        let (stalledAt, indices) = try await transport.streaming(
            Self.method, options: CallOptions(), requests: { _ in }
        ) { response in
            var iterator = response.messages.makeAsyncIterator()
            var indices: [Int] = []
            guard let first = try await iterator.next() else { return (0, indices) }
            indices.append(Int(first[0]) << 8 | Int(first[1]))
            // Stop reading until the server's writer makes no more progress (or finishes).
            var last = -1
            var stableRounds = 0
            while stableRounds < 5, !progress.returned.load(ordering: .relaxed) {
                try await Task.sleep(for: .milliseconds(50))
                let now = progress.written.load(ordering: .relaxed)
                stableRounds = now == last ? stableRounds + 1 : 0
                last = now
            }
            let stalledAt = progress.written.load(ordering: .relaxed)
            while let message = try await iterator.next() {
                indices.append(Int(message[0]) << 8 | Int(message[1]))
            }
            return (stalledAt, indices)
        }

        // Held back: what the server wrote fits in the 1 MiB stream window plus its 256 KiB
        // outbound buffer (and a message or two in flight), far from all 16 MiB.
        #expect(stalledAt < Self.messageCount)
        #expect(stalledAt * Self.messageSize <= 1_536 * 1024)
        // Then every message arrives, in order, and the handler finishes.
        #expect(indices == Array(0..<Self.messageCount))
        let returned = progress.returned.load(ordering: .relaxed)
        #expect(returned)
        await server.shutdown(gracePeriod: .seconds(5))
    }
}
