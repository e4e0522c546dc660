import InteropAPI
import Logging
import MetricsTestKit
import RPC
import Synchronization
import Testing
import Wire

@testable import Runtime

/// The level a failed call is logged at: a status the service chose (an `RPCError`, or a domain
/// error that knows its status, such as an order not found) is an expected refusal at info; only
/// an error no status was chosen for is an error.
@Suite struct ObservabilityLogLevelTests {
    /// A domain error with its status, as the services' errors are.
    enum DomainError: RPCErrorConvertible {
        case missing

        var rpcError: RPCError { RPCError(.notFound, "order 'X' not found") }
    }

    /// An error that knows no status.
    struct Unexpected: Error {}

    /// Keeps the level and message of every line logged.
    final class Lines: Sendable {
        let entries = Mutex<[(Logger.Level, String)]>([])
    }

    /// A log handler writing into ``Lines``.
    struct Capture: LogHandler {
        let lines: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            lines.entries.withLock { $0.append((event.level, "\(event.message)")) }
        }
    }

    static func client(throwing error: any Error & Sendable, lines: Lines) -> TestService.Client {
        var router = Router()
        router.addUnary(TestService.Method.emptyCall) { (_: Empty, _: ServerContext) -> Empty in throw error }
        let logger = Logger(label: "test") { _ in Capture(lines: lines) }
        let intercepted = router.intercepted(by: [
            ObservabilityInterceptor(logger: logger, metricsFactory: TestMetrics())
        ])
        return TestService.Client(RPCClient(transport: InProcessTransport(router: intercepted)))
    }

    @Test func aDomainErrorWithItsStatusIsAnExpectedRefusal() async throws {
        let lines = Lines()
        let client = Self.client(throwing: DomainError.missing, lines: lines)
        await #expect(throws: RPCError.self) { try await client.emptyCall(Empty()) }
        let logged = lines.entries.withLock { $0 }
        #expect(logged.map(\.0) == [.info])
        #expect(logged.map(\.1) == ["call failed"])
    }

    @Test func anErrorWithoutAStatusIsAnError() async throws {
        let lines = Lines()
        let client = Self.client(throwing: Unexpected(), lines: lines)
        do {
            _ = try await client.emptyCall(Empty())
            Issue.record("the call succeeded")
        } catch let error as RPCError {
            #expect(error.code == .unknown)
        }
        let logged = lines.entries.withLock { $0 }
        #expect(logged.map(\.0) == [.error])
        #expect(logged.map(\.1) == ["handler failed"])
    }
}
