/// A call's semantics on the server, written once for every transport: which handler serves a
/// path (UNIMPLEMENTED otherwise), the context a call runs with (its deadline, capped, and the
/// router's admissions), running a handler of either shape on a request of either shape, its
/// deadline, and the status the call ends with (any error mapped by
/// ``RPCError/init(converting:)``, the handler's trailers on every status).
///
/// A transport carries bytes: it hands the executor a call's path and metadata
/// (``accept(path:metadata:timeout:peer:refusal:)``), then its request
/// (``execute(_:request:on:)``), and sends what comes back through its ``ServerCallStream``.
/// `execute` suspends only where the handler does, so a transport that starts it with
/// `Task.immediate` answers a handler that does not suspend without any hop.
public struct ServerCallExecutor: Sendable {
    /// A call that may run: its handler and the context it runs with.
    public struct Accepted: Sendable {
        /// The handler serving the call.
        public let handler: ServerHandler
        /// The handler's context.
        public var context: ServerContext
    }

    /// What a handler is given: a unary request's one message as it arrived, or a stream.
    public enum Request: Sendable {
        /// The one request message (a unary call, read by the transport).
        case message([UInt8])
        /// The request messages as they arrive.
        case messages(MessageStream)
    }

    /// The routes served, with their admissions.
    public let router: Router
    /// The furthest deadline a call may ask for; nil for no cap.
    public let maximumTimeout: Duration?

    /// An executor of `router`'s calls, their deadlines capped at `maximumTimeout`.
    public init(router: Router, maximumTimeout: Duration? = nil) {
        self.router = router
        self.maximumTimeout = maximumTimeout
    }

    /// The status of a call whose deadline passed while its handler ran.
    public static let deadlineExceeded = RPCError(.deadlineExceeded, "the deadline passed before the call finished")

    /// Routes and admits a call of `path` (`/package.Service/Method`): its handler and context,
    /// or the error to answer at once. `refusal` (a transport taking no new calls) answers a
    /// routed call before its admissions run.
    public func accept(
        path: String, metadata: Metadata, timeout: Duration?, peer: String, refusal: RPCError? = nil
    ) throws(RPCError) -> Accepted {
        guard let handler = router.handler(forPath: path) else { throw unimplemented(path: path) }
        if let refusal { throw refusal }
        let capped = timeout.map { timeout in maximumTimeout.map { min(timeout, $0) } ?? timeout }
        var context = ServerContext(
            method: handler.method, requestMetadata: metadata, deadline: capped.map { .now + $0 }, peer: peer)
        try router.admit(&context)
        return Accepted(handler: handler, context: context)
    }

    /// The UNIMPLEMENTED answer to a call of `path`: which method or service is missing.
    func unimplemented(path: String) -> RPCError {
        let parts = path.split(separator: "/")
        if parts.count == 2, router.serves(service: String(parts[0])) {
            return RPCError(.unimplemented, "method \(parts[1]) is not implemented by \(parts[0])")
        }
        return RPCError(.unimplemented, "service \(parts.first ?? "") is not served here")
    }

    /// The status a call ends with when `error` ends it: the error as its status, with the
    /// trailers the handler set (if it ran) before the error's own metadata.
    public static func failure(_ error: any Error, context: ServerContext?) -> RPCError {
        var failure = RPCError(converting: error)
        var trailers = context?.response.trailers ?? [:]
        for entry in failure.metadata { trailers.add(entry) }
        failure.metadata = trailers
        return failure
    }

    /// Runs `call`'s handler on `request` and ends the call on `stream`: OK with the handler's
    /// trailers (after a unary handler's response message), or the status of what it threw. When
    /// `stream` does not end calls at their deadline itself, the deadline is enforced here.
    @inlinable
    public static func execute(_ call: Accepted, request: Request, on stream: some ServerCallStream) async {
        let context = call.context
        let outcome: ServerCallOutcome
        do {
            let message: [UInt8]?
            if stream.endsCallsAtDeadline || context.deadline == nil {
                message = try await run(call, request: request, on: stream)
            } else {
                message = try await withDeadline(context.deadline) { try await run(call, request: request, on: stream) }
            }
            outcome = .ok(message: message, trailers: context.response.trailers)
        } catch {
            outcome = .failed(failure(error, context: context))
        }
        stream.finish(outcome)
    }

    /// Runs the handler; returns a unary handler's response message.
    @inlinable
    static func run(_ call: Accepted, request: Request, on stream: some ServerCallStream) async throws
        -> [UInt8]?
    {
        switch (call.handler.body, request) {
        case (.unary(let handle), .message(let bytes)):
            return try await handle(bytes, call.context)
        case (.unary(let handle), .messages(let messages)):
            return try await handle(try await Router.single(from: messages), call.context)
        case (.streaming(let handle), .message(let bytes)):
            try await handle(.of([bytes]), MessageWriter { try await stream.send($0) }, call.context)
            return nil
        case (.streaming(let handle), .messages(let messages)):
            try await handle(messages, MessageWriter { try await stream.send($0) }, call.context)
            return nil
        }
    }
}
