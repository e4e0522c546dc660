import HTTP2
import Interop
import InteropAPI
import RPC
import Synchronization
import Testing
import Wire

/// The client over several addresses: calls spread round-robin, a server going away is routed
/// around for calls marked safe to retry, and a server coming back is reconnected to.
@Suite struct ClientBalancingTests {
    /// Counts the calls a server answers.
    final class Counter: ServerInterceptor {
        let count = Atomic<Int>(0)

        func intercept<Result: Sendable>(
            _ context: ServerContext, next: @Sendable (ServerContext) async throws -> Result
        ) async throws -> Result {
            count.add(1, ordering: .relaxed)
            return try await next(context)
        }
    }

    final class CountingServer: Sendable {
        let counter = Counter()
        let server: HTTP2Server

        var count: Int { counter.count.load(ordering: .relaxed) }

        init(port: Int = 0) {
            let router = Router(services: [InteropTestService()]).intercepted(by: [counter])
            server = HTTP2Server(configuration: ServerConfiguration(port: port), router: router)
        }
    }

    @Test func callsSpreadRoundRobinAndSafeCallsRouteAroundADownServer() async throws {
        let first = CountingServer()
        let second = CountingServer()
        let firstPort = try await first.server.start()
        let secondPort = try await second.server.start()
        let transport = try HTTP2ClientTransport(targets: ["127.0.0.1:\(firstPort)", "127.0.0.1:\(secondPort)"])
        defer { transport.close() }
        let client = TestService.Client(RPCClient(transport: transport))

        // Open both connections, then spread calls.
        for _ in 0..<4 { _ = try await client.emptyCall(Empty()) }
        let before = (first.count, second.count)
        for _ in 0..<20 { _ = try await client.emptyCall(Empty()) }
        let firstShare = first.count - before.0
        let secondShare = second.count - before.1
        #expect(firstShare + secondShare == 20)
        #expect(firstShare >= 5 && secondShare >= 5, "calls went \(firstShare)/\(secondShare)")

        // One server leaves: calls marked safe still succeed, on the other.
        await first.server.shutdown(gracePeriod: .seconds(1))
        let safe = CallOptions(isSafeToRetry: true)
        for _ in 0..<10 { _ = try await client.emptyCall(Empty(), options: safe) }
        await second.server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func aServerThatComesBackIsReconnectedTo() async throws {
        let original = CountingServer()
        let port = try await original.server.start()
        let transport = try HTTP2ClientTransport(targets: ["127.0.0.1:\(port)"])
        defer { transport.close() }
        let client = TestService.Client(RPCClient(transport: transport))
        _ = try await client.emptyCall(Empty())
        await original.server.shutdown(gracePeriod: .seconds(1))

        do {
            _ = try await client.emptyCall(Empty())
            Issue.record("a call to a stopped server succeeded")
        } catch let error as RPCError {
            #expect(error.code == .unavailable)
        }

        let restarted = CountingServer(port: port)
        try await restarted.server.start()
        // The first failure started a backoff of about a second; calls fail fast until it ends.
        var succeeded = false
        for _ in 0..<40 where !succeeded {
            do {
                _ = try await client.emptyCall(Empty())
                succeeded = true
            } catch let error as RPCError where error.code == .unavailable {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(succeeded)
        #expect(restarted.count == 1)
        await restarted.server.shutdown(gracePeriod: .seconds(1))
    }
}
