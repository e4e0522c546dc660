import Logging
import ServiceLifecycle

/// Work a service repeats in the background until shutdown, such as reporting overdue refunds or
/// retrying a call to a peer: `step` runs every `interval`; a failing step is retried at the next
/// tick (and must be safe to repeat).
public struct BackgroundLoop: Service {
    private let name: String
    private let interval: Duration
    private let step: @Sendable () async throws -> Void

    /// A loop named `name` (for its logs) running `step` every `interval`.
    public init(_ name: String, every interval: Duration, _ step: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.interval = interval
        self.step = step
    }

    /// Repeats until graceful shutdown or cancellation.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            let logger = Logger(label: name)
            while !Task.isCancelled {
                do {
                    try await step()
                } catch {
                    logger.warning(
                        "background step failed; retrying", metadata: ["loop": "\(name)", "error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
