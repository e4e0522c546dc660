import HealthAPI
import RPC
import Synchronization
import Wire

/// `grpc.health.v1.Health`: the serving status of the server ("") and of each service, for load
/// balancers and Kubernetes' gRPC probes. `Check` answers at once (NOT_FOUND for an unknown
/// service); `Watch` streams the status and every change until the caller leaves or the server shuts down.
public final class HealthService: Health.ServiceProtocol {
    /// A serving status.
    public typealias Status = HealthCheckResponse.ServingStatus

    private struct State {
        var statuses: [String: Status] = [:]
        var watchers: [Int: (service: String, continuation: AsyncStream<Status>.Continuation)] = [:]
        var nextWatcher = 0
        var isShutDown = false
    }

    private let state = Mutex(State())
    /// The most `Watch` calls open at once; one more is RESOURCE_EXHAUSTED.
    public let maximumWatchers: Int

    /// The default of ``maximumWatchers``: every open `Watch` holds a task and a stream, and the
    /// method needs no token, so their number is bounded per process, not per connection.
    public static let defaultMaximumWatchers = 1_000

    /// A health service reporting `services` (and the server, "") as SERVING, serving at most
    /// `maximumWatchers` `Watch` calls at once.
    public init(services: [String] = [], maximumWatchers: Int = defaultMaximumWatchers) {
        self.maximumWatchers = maximumWatchers
        state.withLock { state in
            state.statuses[""] = .serving
            for service in services { state.statuses[service] = .serving }
        }
    }

    /// Sets the status of `service` ("" for the whole server) and tells its watchers.
    public func setStatus(_ status: Status, for service: String = "") {
        let continuations = state.withLock { state in
            state.statuses[service] = status
            return state.watchers.values.filter { $0.service == service }.map(\.continuation)
        }
        for continuation in continuations { continuation.yield(status) }
    }

    /// Sets every known service, and the server, to `status` (NOT_SERVING on shutdown).
    public func setAll(_ status: Status) {
        let services = state.withLock { Array($0.statuses.keys) }
        for service in services { setStatus(status, for: service) }
    }

    /// Sets everything to `status` unless the server is shutting down (NOT_SERVING then stays):
    /// for conditions that come and go while it runs, such as its database being unreachable.
    public func setAllWhileRunning(_ status: Status) {
        guard !state.withLock({ $0.isShutDown }) else { return }
        setAll(status)
        // A shutdown that began meanwhile wins.
        if state.withLock({ $0.isShutDown }) { setAll(.notServing) }
    }

    /// Reports NOT_SERVING for everything and ends every `Watch` stream (and any started later,
    /// after its first answer), so that watchers do not hold a draining server open.
    public func shutDown() {
        setAll(.notServing)
        let continuations = state.withLock { state in
            state.isShutDown = true
            return state.watchers.values.map(\.continuation)
        }
        for continuation in continuations { continuation.finish() }
    }

    /// The current status of `service`, or nil if unknown.
    public func status(of service: String) -> Status? {
        state.withLock { $0.statuses[service] }
    }

    /// Answers with the service's status.
    public func check(_ request: HealthCheckRequest, context: ServerContext) async throws -> HealthCheckResponse {
        guard let status = status(of: request.service) else {
            throw RPCError(.notFound, "unknown service '\(request.service)'")
        }
        return HealthCheckResponse.with { $0.status = status }
    }

    /// Streams the service's status now and on every change (SERVICE_UNKNOWN while unknown).
    public func watch(
        _ request: HealthCheckRequest, responses: ResponseWriter<HealthCheckResponse>, context: ServerContext
    ) async throws {
        let (updates, continuation) = AsyncStream<Status>.makeStream()
        let id = state.withLock { state -> Int? in
            guard state.watchers.count < maximumWatchers else { return nil }
            let id = state.nextWatcher
            state.nextWatcher += 1
            state.watchers[id] = (request.service, continuation)
            continuation.yield(state.statuses[request.service] ?? .serviceUnknown)
            if state.isShutDown { continuation.finish() }
            return id
        }
        guard let id else {
            continuation.finish()
            throw RPCError(.resourceExhausted, "too many health watchers; use Check or retry later")
        }
        defer { _ = state.withLock { $0.watchers.removeValue(forKey: id) } }
        try await withTaskCancellationHandler {
            var last: Status?
            for await status in updates where status != last {
                last = status
                try await responses.write(HealthCheckResponse.with { $0.status = status })
            }
        } onCancel: {
            continuation.finish()
        }
    }
}
