import Foundation
import HTTP2
import HealthAPI
import InteropAPI
import RPC
import TestSupport
import Testing
import Wire

/// A service process on SIGTERM: calls in flight complete, health watchers see NOT_SERVING, the
/// process exits 0. Run against the interop server, which is built on the same service runtime
/// as every service.
@Suite struct GracefulShutdownProcessTests {
    @Test func sigtermLetsCallsInFlightCompleteAndExitsZero() async throws {
        let server = try ChildProcess("interop-server", ["--port", "0", "--grace-period", "10"])
        let port = try await server.waitForPort()
        let transport = try HTTP2ClientTransport(host: "127.0.0.1", port: port)
        defer { transport.close() }
        let rpc = RPCClient(transport: transport)
        let client = TestService.Client(rpc)

        // The watcher is registered (its first status arrived) before anything else happens.
        let (watching, watchStarted) = AsyncStream<Void>.makeStream()
        let watch = Task {
            try await Health.Client(rpc).watch(HealthCheckRequest()) { responses, _ in
                var statuses: [HealthCheckResponse.ServingStatus] = []
                for try await response in responses {
                    statuses.append(response.status)
                    watchStarted.yield()
                }
                return statuses
            }
        }
        for await _ in watching { break }
        // Five responses 300 ms apart: about 1.5 s of work, under way when the signal arrives.
        let slow = StreamingOutputCallRequest.with { request in
            request.responseParameters = (0..<5).map { _ in
                ResponseParameters.with {
                    $0.size = 8; $0.intervalUs = 300_000
                }
            }
        }
        let (firstArrived, arrival) = AsyncStream<Void>.makeStream()
        let inFlight = Task {
            try await client.streamingOutputCall(slow) { responses, _ in
                var count = 0
                for try await _ in responses {
                    count += 1
                    arrival.yield()
                }
                return count
            }
        }
        for await _ in firstArrived { break }
        server.send(SIGTERM)

        #expect(try await inFlight.value == 5)
        #expect(try await watch.value == [.serving, .notServing])
        #expect(try await server.waitForExit() == 0)
        #expect(!server.terminatedBySignal)
    }

    @Test func invalidSettingStopsTheProcessWithOneLineNamingIt() async throws {
        let errors = Pipe()
        let process = Process()
        process.executableURL = ChildProcess.binaryDirectory.appendingPathComponent("interop-server")
        process.arguments = ["--port", "70000"]
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 64)
        #expect(
            message
                == "interop: invalid setting --port: '70000' is not a port between 1 and 65535 (or 0 for any free port)\n"
        )
    }
}
