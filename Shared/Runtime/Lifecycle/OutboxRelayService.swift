import Outbox
import ServiceLifecycle

/// An outbox relay as a swift-service-lifecycle `Service`: delivers until graceful shutdown.
/// Events it has not delivered stay in the outbox for the next start.
struct OutboxRelayService: Service {
    /// The relay.
    let relay: OutboxRelay

    /// Relays until shutdown.
    func run() async throws {
        await cancelWhenGracefulShutdown { await relay.run() }
    }
}
