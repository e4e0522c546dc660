import GRDB

/// Delivers a destination's outbox events: oldest first, in batches, each batch marked delivered
/// only after the receiver accepted it, so delivery is at least once and in order (per aggregate
/// and overall). While the receiver fails, the relay backs off (doubling up to a ceiling) and
/// retries the same batch; events keep accumulating meanwhile and nothing is lost.
public struct OutboxRelay: Sendable {
    private let database: ServiceDatabase
    private let destination: String
    private let batchSize: Int
    private let idleDelay: Duration
    private let maximumBackoff: Duration
    private let deliver: @Sendable ([OutboxMessage]) async throws -> Void

    /// A relay of `destination`'s events from `database` to `deliver`.
    public init(
        database: ServiceDatabase, destination: String, batchSize: Int = 200, idleDelay: Duration = .milliseconds(200),
        maximumBackoff: Duration = .seconds(30), deliver: @escaping @Sendable ([OutboxMessage]) async throws -> Void
    ) {
        self.database = database
        self.destination = destination
        self.batchSize = batchSize
        self.idleDelay = idleDelay
        self.maximumBackoff = maximumBackoff
        self.deliver = deliver
    }

    /// Delivers until the task is cancelled.
    public func run() async {
        var backoff = Duration.milliseconds(50)
        while !Task.isCancelled {
            do {
                let delivered = try await deliverOneBatch()
                backoff = .milliseconds(50)
                if delivered == 0 { try await Task.sleep(for: idleDelay) }
            } catch {
                try? await Task.sleep(for: backoff)
                backoff = min(maximumBackoff, backoff * 2)
            }
        }
    }

    /// Delivers the oldest pending batch; returns how many events it delivered.
    @discardableResult
    public func deliverOneBatch() async throws -> Int {
        let destination = self.destination
        let batchSize = self.batchSize
        let batch = try await database.read { db in try Outbox.pending(for: destination, limit: batchSize, in: db) }
        guard !batch.isEmpty else { return 0 }
        do {
            try await deliver(batch)
        } catch {
            try? await database.write { db in try Outbox.markAttempted(batch, in: db) }
            throw error
        }
        try await database.write { db in try Outbox.markDelivered(batch, in: db) }
        return batch.count
    }
}
