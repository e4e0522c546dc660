import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import Synchronization

/// Serves the process's metrics (swift-metrics, collected by swift-prometheus) in the Prometheus
/// text format on `GET /metrics`, on a port of its own: scrapers speak HTTP/1.1, need no token,
/// and never compete with RPCs for the gRPC port's streams.
public final class MetricsEndpoint: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let host: String
    private let port: Int
    private let channel = Mutex<(any Channel)?>(nil)

    /// An endpoint for `registry` on `host:port` (port 0: any free port).
    public init(registry: PrometheusCollectorRegistry, host: String, port: Int) {
        self.registry = registry
        self.host = host
        self.port = port
    }

    /// Starts listening; returns the bound port.
    public func start() async throws -> Int {
        let registry = self.registry
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(MetricsRequestHandler(registry: registry))
                }
            }
            .bind(host: host, port: port).get()
        channel.withLock { $0 = listener }
        return listener.localAddress?.port ?? port
    }

    /// Stops listening.
    public func stop() async {
        let listener = channel.withLock { current in
            defer { current = nil }
            return current
        }
        try? await listener?.close()
    }
}
