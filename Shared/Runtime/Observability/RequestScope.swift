import Logging

/// What the runtime knows about the call being handled, reachable from anywhere in its task: the
/// request id, the trace position and a logger carrying both. Outgoing calls made while handling
/// it continue the same trace (``TracePropagationInterceptor``).
public struct RequestScope: Sendable {
    /// The request id: the caller's `x-request-id`, or a new one.
    public let requestID: String
    /// This call's span.
    public let trace: TraceContext
    /// The path of the method handled.
    public let method: String
    private let baseLogger: Logger

    /// The scope of the call the current task is handling, if any.
    @TaskLocal public static var current: RequestScope?

    /// The scope of a call of `method` with `requestID` in `trace`, logging through `logger`.
    init(requestID: String, trace: TraceContext, method: String, logger: Logger) {
        self.requestID = requestID
        self.trace = trace
        self.method = method
        self.baseLogger = logger
    }

    /// A logger whose metadata names the request, the trace and the method: made when asked
    /// for, so a call that logs nothing pays nothing for its metadata.
    public var logger: Logger {
        var logger = baseLogger
        logger[metadataKey: "request-id"] = .string(requestID)
        logger[metadataKey: "trace-id"] = .string(trace.traceID)
        logger[metadataKey: "method"] = .string(method)
        return logger
    }

    /// A logger for code that may or may not run inside a call: the call's logger if it does.
    public static func logger(fallback: Logger) -> Logger {
        current?.logger ?? fallback
    }
}
