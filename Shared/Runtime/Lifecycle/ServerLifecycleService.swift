import GRPCServices
import HTTP2
import HealthAPI
import Logging
import ServiceLifecycle

/// The gRPC server as a swift-service-lifecycle `Service`: binds and reports SERVING, then on
/// graceful shutdown (SIGTERM, SIGINT) reports NOT_SERVING, stops accepting connections, sends
/// GOAWAY, and lets calls in flight finish within the grace period before closing what is left.
struct ServerLifecycleService: Service {
    /// The server.
    let server: HTTP2Server
    /// The health service the server answers with.
    let health: HealthService
    /// How long calls in flight may take once shutdown begins.
    let gracePeriod: Duration
    /// The process's logger.
    let logger: Logger
    /// Called with the bound port once the server listens.
    let onListening: @Sendable (Int) -> Void

    /// Serves until graceful shutdown or cancellation, then drains.
    func run() async throws {
        let port = try await server.start()
        health.setAll(.serving)
        logger.notice("listening", metadata: ["port": "\(port)"])
        onListening(port)
        try? await gracefulShutdown()
        logger.notice("shutting down: NOT_SERVING, GOAWAY, draining calls in flight")
        health.shutDown()
        await server.shutdown(gracePeriod: gracePeriod)
        logger.notice("server stopped")
    }
}
