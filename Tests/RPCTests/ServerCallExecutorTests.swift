import RPC
import Synchronization
import Testing

/// ``ServerCallExecutor`` on its own, with a transport that records what it is given: routing,
/// admission, deadlines, both handler shapes on both request shapes, and the statuses.
@Suite struct ServerCallExecutorTests {
    /// A transport side that records the messages sent and the outcome.
    final class RecordingStream: ServerCallStream {
        let endsCallsAtDeadline: Bool
        private let state = Mutex<(sent: [[UInt8]], outcomes: [ServerCallOutcome])>(([], []))

        init(endsCallsAtDeadline: Bool = false) {
            self.endsCallsAtDeadline = endsCallsAtDeadline
        }

        var sent: [[UInt8]] { state.withLock { $0.sent } }
        var outcomes: [ServerCallOutcome] { state.withLock { $0.outcomes } }

        func send(_ message: [UInt8]) async throws {
            state.withLock { $0.sent.append(message) }
        }

        func finish(_ outcome: ServerCallOutcome) {
            state.withLock { $0.outcomes.append(outcome) }
        }

        /// The one outcome's error, if it failed.
        var error: RPCError? {
            guard outcomes.count == 1, case .failed(let error) = outcomes[0] else { return nil }
            return error
        }
    }

    struct Refusing: CallAdmission {
        func admit(_ context: inout ServerContext) throws(RPCError) {
            throw RPCError(.unauthenticated, "no credentials")
        }
    }

    struct ServiceFailure: Error {}

    static let echo = MethodDescriptor(service: "test.Echo", method: "Get", kind: .unary)
    static let collect = MethodDescriptor(service: "test.Echo", method: "Collect", kind: .bidirectionalStreaming)
    static let slow = MethodDescriptor(service: "test.Echo", method: "Slow", kind: .unary)
    static let failing = MethodDescriptor(service: "test.Echo", method: "Fail", kind: .unary)

    static var router: Router {
        var router = Router()
        router.register(
            ServerHandler(
                method: echo,
                body: .unary { request, context in
                    context.response.addTrailer(.init(key: "x-handled", value: .string("yes")))
                    return request.reversed()
                }))
        router.register(
            ServerHandler(
                method: collect,
                body: .streaming { requests, writer, _ in
                    for try await request in requests { try await writer.write(request + request) }
                }))
        router.register(
            ServerHandler(
                method: slow,
                body: .unary { _, _ in
                    try await Task.sleep(for: .seconds(3_600))
                    return []
                }))
        router.register(
            ServerHandler(
                method: failing,
                body: .unary { _, context in
                    context.response.addTrailer(.init(key: "x-handled", value: .string("yes")))
                    throw ServiceFailure()
                }))
        return router
    }

    let executor = ServerCallExecutor(router: Self.router, maximumTimeout: .seconds(10))

    @Test func anUnknownMethodOfAServedServiceIsNamed() {
        #expect(throws: RPCError(.unimplemented, "method Missing is not implemented by test.Echo")) {
            try executor.accept(path: "/test.Echo/Missing", metadata: [:], timeout: nil, peer: "p")
        }
    }

    @Test func anUnknownServiceIsNamed() {
        #expect(throws: RPCError(.unimplemented, "service test.Other is not served here")) {
            try executor.accept(path: "/test.Other/Get", metadata: [:], timeout: nil, peer: "p")
        }
    }

    @Test func aRefusalAnswersARoutedCallButNotAnUnroutedOne() {
        let refusal = RPCError(.unavailable, "shutting down")
        #expect(throws: refusal) {
            try executor.accept(path: Self.echo.path, metadata: [:], timeout: nil, peer: "p", refusal: refusal)
        }
        #expect(throws: RPCError(.unimplemented, "service test.Other is not served here")) {
            try executor.accept(path: "/test.Other/Get", metadata: [:], timeout: nil, peer: "p", refusal: refusal)
        }
    }

    @Test func admissionsRunOnAcceptedCalls() {
        let guarded = ServerCallExecutor(router: Self.router.admitting(by: Refusing()))
        #expect(throws: RPCError(.unauthenticated, "no credentials")) {
            try guarded.accept(path: Self.echo.path, metadata: [:], timeout: nil, peer: "p")
        }
    }

    @Test func theContextCarriesTheCallAndACappedDeadline() throws {
        let start = ContinuousClock.now
        let call = try executor.accept(
            path: Self.echo.path, metadata: ["k": "v"], timeout: .seconds(7_200), peer: "peer")
        #expect(call.handler.method == Self.echo)
        #expect(call.context.peer == "peer")
        #expect(call.context.requestMetadata == ["k": "v"])
        let deadline = try #require(call.context.deadline)
        #expect(deadline <= ContinuousClock.now + .seconds(10))
        #expect(deadline >= start + .seconds(10))
        let unlimited = try executor.accept(path: Self.echo.path, metadata: [:], timeout: nil, peer: "p")
        #expect(unlimited.context.deadline == nil)
    }

    @Test func aUnaryCallEndsOKWithItsMessageAndTrailers() async throws {
        let call = try executor.accept(path: Self.echo.path, metadata: [:], timeout: nil, peer: "p")
        let stream = RecordingStream()
        await ServerCallExecutor.execute(call, request: .message([1, 2, 3]), on: stream)
        #expect(stream.sent.isEmpty)
        guard stream.outcomes.count == 1, case .ok(let message, let trailers) = stream.outcomes[0] else {
            Issue.record("expected one OK outcome, got \(stream.outcomes)")
            return
        }
        #expect(message == [3, 2, 1])
        #expect(trailers == ["x-handled": "yes"])
    }

    @Test func aUnaryHandlerReadsTheOneMessageOfAStream() async throws {
        // A call each: the echo handler's trailers stay with its call.
        func call() throws -> ServerCallExecutor.Accepted {
            try executor.accept(path: Self.echo.path, metadata: [:], timeout: nil, peer: "p")
        }
        let one = RecordingStream()
        await ServerCallExecutor.execute(try call(), request: .messages(.of([[4, 5]])), on: one)
        guard case .ok(let message, _) = one.outcomes.first else {
            Issue.record("expected OK, got \(one.outcomes)")
            return
        }
        #expect(message == [5, 4])
        let two = RecordingStream()
        await ServerCallExecutor.execute(try call(), request: .messages(.of([[1], [2]])), on: two)
        #expect(two.error == RPCError(.unimplemented, "expected one request message, received several"))
        let none = RecordingStream()
        await ServerCallExecutor.execute(try call(), request: .messages(.of([])), on: none)
        #expect(none.error == RPCError(.unimplemented, "expected one request message, received none"))
    }

    @Test func aStreamingHandlerWritesThroughTheStream() async throws {
        let call = try executor.accept(path: Self.collect.path, metadata: [:], timeout: nil, peer: "p")
        let stream = RecordingStream()
        await ServerCallExecutor.execute(call, request: .messages(.of([[1], [2]])), on: stream)
        #expect(stream.sent == [[1, 1], [2, 2]])
        guard stream.outcomes.count == 1, case .ok(let message, _) = stream.outcomes[0] else {
            Issue.record("expected one OK outcome, got \(stream.outcomes)")
            return
        }
        #expect(message == nil)
        let single = RecordingStream()
        await ServerCallExecutor.execute(call, request: .message([7]), on: single)
        #expect(single.sent == [[7, 7]])
    }

    @Test func anUnknownErrorIsUnknownWithTheHandlersTrailers() async throws {
        let call = try executor.accept(path: Self.failing.path, metadata: [:], timeout: nil, peer: "p")
        let stream = RecordingStream()
        await ServerCallExecutor.execute(call, request: .message([]), on: stream)
        let error = try #require(stream.error)
        #expect(error.code == .unknown)
        #expect(error.message == "the service failed to handle the call")
        #expect(error.metadata == ["x-handled": "yes"])
    }

    @Test func theTrailersComeBeforeTheErrorsOwnMetadata() throws {
        let call = try executor.accept(path: Self.echo.path, metadata: [:], timeout: nil, peer: "p")
        call.context.response.addTrailer(.init(key: "a", value: .string("1")))
        var error = RPCError(.notFound, "no such order")
        error.metadata.add(.init(key: "b", value: .string("2")))
        let failure = ServerCallExecutor.failure(error, context: call.context)
        #expect(failure.code == .notFound)
        #expect(failure.message == "no such order")
        #expect(failure.metadata == ["a": "1", "b": "2"])
        #expect(ServerCallExecutor.failure(CancellationError(), context: nil).code == .cancelled)
    }

    @Test func theExecutorEndsACallAtItsDeadline() async throws {
        let call = try executor.accept(path: Self.slow.path, metadata: [:], timeout: .milliseconds(50), peer: "p")
        let stream = RecordingStream()
        await ServerCallExecutor.execute(call, request: .message([]), on: stream)
        // The code only: on a loaded machine the deadline may pass before the handler starts,
        // which says so in its message.
        #expect(stream.error?.code == .deadlineExceeded)
    }

    @Test func aTransportWithItsOwnTimerEndsTheCallItself() async throws {
        let call = try executor.accept(path: Self.slow.path, metadata: [:], timeout: .milliseconds(50), peer: "p")
        let stream = RecordingStream(endsCallsAtDeadline: true)
        let task = Task { await ServerCallExecutor.execute(call, request: .message([]), on: stream) }
        // The executor set no timer: the handler runs until the transport cancels it.
        try await Task.sleep(for: .milliseconds(200))
        #expect(stream.outcomes.isEmpty)
        task.cancel()
        await task.value
        #expect(stream.error?.code == .cancelled)
    }
}
