import InteropAPI
import Logging
import MetricsTestKit
import RPC
import Synchronization
import Testing
import Wire

@testable import Runtime

/// Request ids, W3C trace context across a hop, and per-method metrics, through real routers and
/// clients (the in-process transport): a front service whose handler calls a back service.
@Suite struct ObservabilityInterceptorTests {
    /// What the back service saw of its call.
    final class Seen: Sendable {
        let metadata = Mutex<Metadata?>(nil)
        let scope = Mutex<RequestScope?>(nil)
    }

    static func chain(metrics: TestMetrics, seen: Seen) -> TestService.Client {
        let logger = Logger(label: "test")
        var back = Router()
        back.addUnary(TestService.Method.emptyCall) { (_: Empty, context: ServerContext) in
            seen.metadata.withLock { $0 = context.requestMetadata }
            return Empty()
        }
        let backClient = TestService.Client(
            RPCClient(
                transport: InProcessTransport(
                    router: back.intercepted(by: [ObservabilityInterceptor(logger: logger, metricsFactory: metrics)])),
                interceptors: [TracePropagationInterceptor()]))
        var front = Router()
        front.addUnary(TestService.Method.emptyCall) { (_: Empty, _: ServerContext) in
            seen.scope.withLock { $0 = RequestScope.current }
            return try await backClient.emptyCall(Empty())
        }
        front.addUnary(TestService.Method.unaryCall) { (_: SimpleRequest, _: ServerContext) -> SimpleResponse in
            throw RPCError(.notFound, "no such thing")
        }
        let router = front.intercepted(by: [ObservabilityInterceptor(logger: logger, metricsFactory: metrics)])
        return TestService.Client(RPCClient(transport: InProcessTransport(router: router)))
    }

    @Test func callerTraceIsContinuedAndPassedOnWithTheRequestID() async throws {
        let seen = Seen()
        let client = Self.chain(metrics: TestMetrics(), seen: seen)
        let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
        let callerSpan = "00f067aa0ba902b7"
        _ = try await client.emptyCall(
            Empty(),
            options: CallOptions(metadata: [
                "traceparent": "00-\(traceID)-\(callerSpan)-01", "x-request-id": "req-42",
            ]))
        let frontScope = try #require(seen.scope.withLock { $0 })
        #expect(frontScope.requestID == "req-42")
        #expect(frontScope.trace.traceID == traceID)
        #expect(frontScope.trace.spanID != callerSpan)
        let backMetadata = try #require(seen.metadata.withLock { $0 })
        #expect(backMetadata["x-request-id"] == "req-42")
        let passedOn = try #require(backMetadata["traceparent"].flatMap { TraceContext(traceparent: $0) })
        #expect(passedOn.traceID == traceID)
        #expect(passedOn.spanID == frontScope.trace.spanID)
        #expect(passedOn.sampled)
    }

    @Test func callWithoutTraceStartsOneAndGetsARequestID() async throws {
        let seen = Seen()
        let client = Self.chain(metrics: TestMetrics(), seen: seen)
        let response: (message: Empty, headers: Metadata, trailers: Metadata) = try await client.rpc.unaryCall(
            TestService.Method.emptyCall, Empty())
        let scope = try #require(seen.scope.withLock { $0 })
        #expect(scope.trace.traceID.count == 32)
        #expect(response.headers["x-request-id"] == scope.requestID)
        // A new request id: 16 lowercase hex digits, not all zero, not repeated by the next call.
        #expect(scope.requestID.count == 16)
        #expect(scope.requestID.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        #expect(scope.requestID != String(repeating: "0", count: 16))
        #expect(ObservabilityInterceptor.requestID(from: [:]) != ObservabilityInterceptor.requestID(from: [:]))
        let passedOn = try #require(seen.metadata.withLock { $0 }?["traceparent"])
        #expect(TraceContext(traceparent: passedOn)?.traceID == scope.trace.traceID)
    }

    @Test func callsErrorsAndLatencyAreCountedPerMethod() async throws {
        let metrics = TestMetrics()
        let client = Self.chain(metrics: metrics, seen: Seen())
        for _ in 0..<3 { _ = try await client.emptyCall(Empty()) }
        await #expect(throws: RPCError.self) { _ = try await client.unaryCall(SimpleRequest()) }
        let emptyPath = TestService.Method.emptyCall.path
        let unaryPath = TestService.Method.unaryCall.path
        // The front and back services both count EmptyCall: 3 calls each.
        #expect(metrics.counterTotal(label: "rpc_server_calls_total", dimensions: [("method", emptyPath)]) == 6)
        #expect(metrics.counterTotal(label: "rpc_server_calls_total", dimensions: [("method", unaryPath)]) == 1)
        #expect(
            metrics.counterTotal(
                label: "rpc_server_errors_total", dimensions: [("method", unaryPath), ("code", "NOT_FOUND")]) == 1)
        #expect(metrics.counters(label: "rpc_server_errors_total", dimensions: [("method", emptyPath)]).isEmpty)
        let latency = try metrics.expectTimer("rpc_server_duration_nanoseconds", [("method", emptyPath)])
        #expect(latency.values.count == 6)
        #expect(latency.values.allSatisfy { $0 > 0 })
    }

    @Test(arguments: [
        "", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
    ])
    func malformedTraceparentIsIgnored(_ header: String) {
        #expect(TraceContext(traceparent: header) == nil)
    }

    @Test func futureVersionsMayAddFields() throws {
        let context = try #require(
            TraceContext(traceparent: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-more"))
        #expect(!context.sampled)
        #expect(context.traceparent == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
    }

    /// Ids are kept as numbers and written out when asked for: leading zeros survive the trip.
    @Test func idsWithLeadingZerosAreWrittenBackAsTheyCame() throws {
        for header in [
            "00-0000000000000000000000000000000a-000000000000000b-01",
            "00-00000000000000010000000000000000-0100000000000000-00",
            "00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-01",
        ] {
            let context = try #require(TraceContext(traceparent: header))
            #expect(context.traceparent == header)
            #expect(context.child().traceID == context.traceID)
        }
    }

    @Test func jsonLogLinesEscapeEverything() {
        #expect(JSONLogHandler.quoted("a\"b\\c\nd\u{1}é") == #""a\"b\\c\nd\u0001é""#)
    }
}
