import Logging

/// What the runtime knows about the call being handled, reachable from anywhere in its task: the
/// request id, the trace position and a logger carrying both. Outgoing calls made while handling
/// it continue the same trace (``TracePropagationInterceptor``).
public struct RequestScope: Sendable {
    /// The request id: the caller's `x-request-id`, or a new one.
    public let requestID: String
    /// This call's span.
    public let trace: TraceContext
    /// A logger whose metadata names the request, the trace and the method.
    public let logger: Logger

    /// The scope of the call the current task is handling, if any.
    @TaskLocal public static var current: RequestScope?

    /// A logger for code that may or may not run inside a call: the call's logger if it does.
    public static func logger(fallback: Logger) -> Logger {
        current?.logger ?? fallback
    }
}
