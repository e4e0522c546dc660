import GRPCServices
import HTTP2
import HealthAPI
import Interop
import InteropAPI
import RPC
import Testing
import Wire

/// Health and reflection over real sockets: with the project's client, and with Python grpcio
/// doing what grpcurl and load balancers do.
@Suite struct StandardServicesTests {
    static func startServer(health: HealthService) async throws -> (HTTP2Server, Int) {
        var router = Router(services: [InteropTestService()])
        router.addStandardServices(health: health, files: [.grpcTestingTest, .grpcTestingMessages, .grpcTestingEmpty])
        let server = HTTP2Server(configuration: ServerConfiguration(port: 0), router: router)
        return (server, try await server.start())
    }

    @Test func healthCheckAndWatchFollowTheStatus() async throws {
        let health = HealthService(services: ["grpc.testing.TestService"])
        let (server, port) = try await Self.startServer(health: health)
        let transport = try HTTP2ClientTransport(host: "127.0.0.1", port: port)
        defer { transport.close() }
        let client = Health.Client(RPCClient(transport: transport))

        #expect(try await client.check(HealthCheckRequest()).status == .serving)
        #expect(
            try await client.check(HealthCheckRequest.with { $0.service = "grpc.testing.TestService" }).status
                == .serving)
        do {
            _ = try await client.check(HealthCheckRequest.with { $0.service = "nope" })
            Issue.record("an unknown service was reported")
        } catch let error as RPCError {
            #expect(error.code == .notFound)
        }

        let seen = try await client.watch(HealthCheckRequest()) { responses, _ in
            var seen: [HealthCheckResponse.ServingStatus] = []
            for try await response in responses {
                seen.append(response.status)
                if seen.count == 1 { health.setStatus(.notServing) }
                if seen.count == 2 { break }
            }
            return seen
        }
        #expect(seen == [.serving, .notServing])
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func healthRefusesLargeRequestsAndTooManyWatchers() async throws {
        let health = HealthService(maximumWatchers: 2)
        let (server, port) = try await Self.startServer(health: health)
        let transport = try HTTP2ClientTransport(host: "127.0.0.1", port: port)
        defer { transport.close() }
        let client = Health.Client(RPCClient(transport: transport))

        // A request over the standard services' limit is refused from its length prefix, for
        // Check and for Watch (which would otherwise hold it for as long as it watches).
        let large = HealthCheckRequest.with {
            $0.service = String(repeating: "x", count: Router.standardRequestMessageLimit + 1)
        }
        do {
            _ = try await client.check(large)
            Issue.record("a check with a large request was answered")
        } catch let error as RPCError {
            #expect(error.code == .resourceExhausted)
        }
        do {
            try await client.watch(large) { responses, _ in for try await _ in responses {} }
            Issue.record("a watch with a large request was served")
        } catch let error as RPCError {
            #expect(error.code == .resourceExhausted)
        }

        // Two watchers are served; a third is refused while they last.
        let (first, firstSeen) = AsyncStream<Void>.makeStream()
        let watchers = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        try await client.watch(HealthCheckRequest()) { responses, _ in
                            for try await _ in responses { firstSeen.yield() }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        var started = 0
        for await _ in first {
            started += 1
            if started == 2 { break }
        }
        do {
            try await client.watch(HealthCheckRequest()) { responses, _ in for try await _ in responses {} }
            Issue.record("a third watcher was served")
        } catch let error as RPCError {
            #expect(error.code == .resourceExhausted)
        }
        watchers.cancel()
        _ = await watchers.result
        #expect(try await client.check(HealthCheckRequest()).status == .serving)
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func grpcioSeesHealthAndReflectsEveryService() async throws {
        let (server, port) = try await Self.startServer(health: HealthService())
        let result = try await PythonScript.run(
            "standard_services_client.py",
            [
                "--port", String(port), "--expect",
                "grpc.testing.TestService,grpc.health.v1.Health,grpc.reflection.v1.ServerReflection,grpc.reflection.v1alpha.ServerReflection",
            ])
        await server.shutdown(gracePeriod: .seconds(1))
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("OK"))
    }
}
