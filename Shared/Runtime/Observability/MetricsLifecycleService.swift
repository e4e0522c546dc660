import Foundation
import Logging
import ServiceLifecycle

/// The metrics endpoint as a swift-service-lifecycle `Service`: serves until shutdown.
struct MetricsLifecycleService: Service {
    /// The endpoint.
    let endpoint: MetricsEndpoint
    /// The process's name, for the readiness line.
    let name: String
    /// The process's logger.
    let logger: Logger

    /// Serves until graceful shutdown, then stops listening.
    func run() async throws {
        let port = try await endpoint.start()
        logger.notice("metrics listening", metadata: ["port": "\(port)"])
        print("\(name) metrics on port \(port)")
        fflush(nil)
        try? await gracefulShutdown()
        await endpoint.stop()
    }
}
