import CoreMetrics
import Logging
import RPC
import Synchronization

/// Runs outermost on every call: gives it a request id (the caller's `x-request-id`, or a new
/// one, echoed in the response headers), continues the caller's W3C trace or starts one, makes
/// both reachable as ``RequestScope/current`` with a logger carrying them, counts the call and its
/// failures and times it (swift-metrics), and logs its outcome. An error that is neither an
/// ``RPC/RPCError`` nor ``RPC/RPCErrorConvertible`` reaches the client as UNKNOWN without
/// details; its details are logged here, at error level.
public final class ObservabilityInterceptor: ServerInterceptor {
    private let logger: Logger
    private let factory: any MetricsFactory
    private let metrics = Mutex<[String: MethodMetrics]>([:])

    /// An interceptor logging through `logger` and measuring with `factory` (by default the one
    /// the process bootstrapped).
    public init(logger: Logger, metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.logger = logger
        self.factory = metricsFactory
    }

    /// Observes the call.
    public func intercept<Result: Sendable>(
        _ context: ServerContext, next: @Sendable (ServerContext) async throws -> Result
    ) async throws -> Result {
        let start = ContinuousClock.now
        let requestID = Self.requestID(from: context.requestMetadata)
        let trace =
            context.requestMetadata["traceparent"].flatMap { TraceContext(traceparent: $0) }?.child()
            ?? TraceContext.newTrace()
        context.response.addHeader(Metadata.Entry(key: "x-request-id", value: .string(requestID)))
        let instruments = instruments(for: context.method)
        instruments.calls.increment()
        let scope = RequestScope(requestID: requestID, trace: trace, method: context.method.path, logger: logger)
        do {
            let result = try await RequestScope.$current.withValue(scope) { try await next(context) }
            instruments.latency.recordElapsed(since: start)
            if logger.logLevel <= .debug {
                scope.logger.debug("call completed", metadata: ["status": "OK", "peer": "\(context.peer)"])
            }
            return result
        } catch {
            instruments.latency.recordElapsed(since: start)
            let status = RPCError(converting: error)
            instruments.recordFailure(status.code)
            let logger = scope.logger
            // A status the service chose (an RPCError, or a domain error with its status such as
            // a NOT_FOUND order) is an expected refusal, logged at info; only an error no status
            // was chosen for (UNKNOWN to the client) is logged as an error.
            if error is RPCError || error is any RPCErrorConvertible || error is CancellationError {
                logger.info(
                    "call failed", metadata: ["status": "\(status.code)", "message": "\(status.message)"])
            } else {
                logger.error("handler failed", metadata: ["status": "\(status.code)", "error": "\(error)"])
            }
            throw status
        }
    }

    /// Counts and logs a call refused before its handler ran (by a ``RPC/CallAdmission`` such as
    /// authentication), as a failed call.
    public func recordRefusal(of context: ServerContext, _ error: RPCError) {
        let instruments = instruments(for: context.method)
        instruments.calls.increment()
        instruments.recordFailure(error.code)
        logger.info(
            "call refused",
            metadata: [
                "method": "\(context.method.path)", "status": "\(error.code)", "message": "\(error.message)",
                "peer": "\(context.peer)",
            ])
    }

    private func instruments(for method: MethodDescriptor) -> MethodMetrics {
        metrics.withLock { cache in
            if let existing = cache[method.path] { return existing }
            let created = MethodMetrics(path: method.path, factory: factory)
            cache[method.path] = created
            return created
        }
    }

    /// The caller's request id if it is short and printable, else a new one.
    static func requestID(from metadata: Metadata) -> String {
        if let given = metadata["x-request-id"], !given.isEmpty, given.utf8.count <= 128,
            given.utf8.allSatisfy({ (0x21...0x7E).contains($0) })
        {
            return given
        }
        return TraceContext.randomHex()
    }
}

extension Timer {
    /// Records the time elapsed since `start`.
    fileprivate func recordElapsed(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
