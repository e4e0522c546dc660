import ServiceLifecycle

/// Work a service repeats in the background until shutdown, such as reporting overdue refunds or
/// retrying a call to a peer: `step` runs every `interval`; a failing step is retried at the next
/// tick (and must be safe to repeat).
public struct BackgroundLoop: Service {
    private let interval: Duration
    private let step: @Sendable () async throws -> Void

    /// A loop running `step` every `interval`.
    public init(every interval: Duration, _ step: @escaping @Sendable () async throws -> Void) {
        self.interval = interval
        self.step = step
    }

    /// Repeats until graceful shutdown or cancellation.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await step()
                try? await Task.sleep(for: interval)
            }
        }
    }
}
