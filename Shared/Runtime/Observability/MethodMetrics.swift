import CoreMetrics
import RPC
import Synchronization

/// The swift-metrics instruments of one method: calls, failures by status code, and latency.
/// Created once per method and reused, each failure counter once per code, so a call pays no
/// factory lookup and builds no labels.
final class MethodMetrics: Sendable {
    /// Calls handled, whatever their outcome.
    let calls: Counter
    /// Time from the call reaching the service to its status.
    let latency: Timer
    /// The method's path, the dimension every instrument carries.
    let path: String
    private let factory: any MetricsFactory
    private let failures = Mutex<[StatusCode: Counter]>([:])

    /// The instruments of `path`, made by `factory`.
    init(path: String, factory: any MetricsFactory) {
        self.path = path
        self.factory = factory
        calls = Counter(label: "rpc_server_calls_total", dimensions: [("method", path)], factory: factory)
        latency = Timer(label: "rpc_server_duration_nanoseconds", dimensions: [("method", path)], factory: factory)
    }

    /// Counts a call that ended with `code` (not OK).
    func recordFailure(_ code: StatusCode) {
        let counter = failures.withLock { counters in
            if let existing = counters[code] { return existing }
            let created = Counter(
                label: "rpc_server_errors_total", dimensions: [("method", path), ("code", code.description)],
                factory: factory)
            counters[code] = created
            return created
        }
        counter.increment()
    }
}
