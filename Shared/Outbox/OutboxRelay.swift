import Foundation
import Logging
import Metrics
import RPC
import Storage

/// Delivers a destination's outbox events: oldest first, in batches (at most `batchSize` events
/// and `maximumBatchBytes` of payload), each marked delivered only after the receiver accepted it,
/// so delivery is at least once and in order (per aggregate and overall). While the receiver
/// fails for a while (UNAVAILABLE, DEADLINE_EXCEEDED, ...), the relay backs off (doubling up to a
/// ceiling) and retries the same batch; events keep accumulating meanwhile and nothing is lost.
/// What the receiver refuses for good (``isRefusedForGood(_:)``) never stalls the relay: the
/// batch is split in halves until the refused event is alone, that event is parked as a dead
/// letter (a warning in the log, `outbox_dead_letters_total` and the `outbox_dead_letters`
/// gauge), and the events after it keep flowing. The `outbox_pending` gauge is the backlog: the
/// events waiting when the relay last looked, kept up to date while the receiver is down too.
/// With several replicas on one PostgreSQL database, only the holder of the destination's
/// ``OutboxLease`` delivers (the others wait and take over if it dies).
///
/// The relay goes on at once only while events are left after its batch; once a turn has left
/// nothing waiting (delivered or not), it waits `idleDelay` before it looks again, so that the
/// events of the commands committed meanwhile go out together: one delivery, one receiver
/// transaction (and fsync) and one delivered-mark per `idleDelay` while commands trickle in.
/// (It used to look again at once after every delivery: under a steady stream each command was
/// followed by a delivery of its own, whose work and whose receiver's fsync ran beside the next
/// command on the same core and disk: `Benchmarks/service-profile.md`.)
public struct OutboxRelay: Sendable {
    private let database: ServiceDatabase
    private let destination: String
    private let batchSize: Int
    private let maximumBatchBytes: Int
    private let idleDelay: Duration
    private let maximumBackoff: Duration
    private let deliver: @Sendable ([OutboxMessage]) async throws -> Void
    private let logger = Logger(label: "outbox-relay")
    private let parked: Counter
    private let deadLetters: Gauge
    private let backlog: Gauge
    /// This relay's name in the lease table.
    private let holder: String

    /// The lease holder name of this process's relays: one per replica, so that a restarted relay
    /// of the same process goes on at once.
    public static let processHolder = "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UUID().uuidString)"

    /// A relay of `destination`'s events from `database` to `deliver`, counting dead letters in
    /// `metrics`, delivering while `holder` holds the destination's lease.
    public init(
        database: ServiceDatabase, destination: String, batchSize: Int = 200, maximumBatchBytes: Int = 1 << 20,
        idleDelay: Duration = .milliseconds(200), maximumBackoff: Duration = .seconds(30),
        metrics: any MetricsFactory = MetricsSystem.factory, holder: String = OutboxRelay.processHolder,
        deliver: @escaping @Sendable ([OutboxMessage]) async throws -> Void
    ) {
        self.holder = holder
        self.database = database
        self.destination = destination
        self.batchSize = max(1, batchSize)
        self.maximumBatchBytes = max(1, maximumBatchBytes)
        self.idleDelay = idleDelay
        self.maximumBackoff = maximumBackoff
        self.deliver = deliver
        parked = Counter(
            label: "outbox_dead_letters_total", dimensions: [("destination", destination)], factory: metrics)
        deadLetters = Gauge(label: "outbox_dead_letters", dimensions: [("destination", destination)], factory: metrics)
        backlog = Gauge(label: "outbox_pending", dimensions: [("destination", destination)], factory: metrics)
    }

    /// Whether the receiver refused the batch as it is, so that retrying the same batch cannot
    /// succeed: INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE, PERMISSION_DENIED,
    /// ALREADY_EXISTS and RESOURCE_EXHAUSTED (a message over the receiver's limit; smaller halves
    /// may pass). Anything else, UNAVAILABLE and DEADLINE_EXCEEDED among them, is worth retrying.
    /// RESOURCE_EXHAUSTED is also what a receiver whose buffers or disk are full answers, which
    /// passes: a lone event refused with it is parked only when it is larger than a batch may be
    /// (see ``parks(_:size:)``).
    public static func isRefusedForGood(_ error: any Error) -> Bool {
        guard let error = error as? RPCError else { return false }
        switch error.code {
        case .invalidArgument, .failedPrecondition, .outOfRange, .permissionDenied, .alreadyExists, .resourceExhausted:
            return true
        default:
            return false
        }
    }

    /// Whether a lone event of `size` payload bytes refused with `error` is parked as a dead
    /// letter: refused for good, and if RESOURCE_EXHAUSTED, larger than a batch may be
    /// (`maximumBatchBytes`, which is below the receiver's message limit). A receiver whose
    /// request buffers a peer has filled, or whose disk is full, answers RESOURCE_EXHAUSTED too:
    /// parking an event of ordinary size then would lose it for good, so it is retried instead.
    func parks(_ error: any Error, size: Int) -> Bool {
        guard Self.isRefusedForGood(error), let error = error as? RPCError else { return false }
        return error.code != .resourceExhausted || size > maximumBatchBytes
    }

    /// Delivers until the task is cancelled (then gives its lease up).
    public func run() async {
        defer {
            let (database, destination, holder) = (database, destination, holder)
            Task {
                try? await database.transaction { db in try OutboxLease.release(destination, holder: holder, in: db) }
            }
        }
        let destination = self.destination
        if let count = try? await database.snapshot({ db in try Outbox.deadLetterCount(for: destination, in: db) }) {
            deadLetters.record(count)
        }
        var backoff = Duration.milliseconds(50)
        while !Task.isCancelled {
            do {
                let left = try await deliverBatch().left
                backoff = .milliseconds(50)
                if left == 0 { try await Task.sleep(for: idleDelay) }
            } catch {
                try? await Task.sleep(for: backoff)
                backoff = min(maximumBackoff, backoff * 2)
            }
        }
    }

    /// Delivers the oldest pending batch; returns how many events left the outbox (delivered or
    /// parked). Throws when the receiver failed in a way worth retrying.
    @discardableResult
    public func deliverOneBatch() async throws -> Int {
        try await deliverBatch().delivered
    }

    /// Delivers the oldest pending batch; returns how many events left the outbox (delivered or
    /// parked) and how many were still waiting besides them when the batch was read.
    private func deliverBatch() async throws -> (delivered: Int, left: Int) {
        let destination = self.destination
        let batchSize = self.batchSize
        let holder = self.holder
        let (pending, waiting) = try await database.transaction { db in
            guard try OutboxLease.acquire(destination, holder: holder, now: Date(), in: db) else {
                return ([OutboxMessage](), try Outbox.pendingCount(for: destination, in: db))
            }
            let pending = try Outbox.pending(for: destination, limit: batchSize, in: db)
            // A short batch is the whole backlog; only a full one needs counting.
            let waiting = try pending.count < batchSize ? pending.count : Outbox.pendingCount(for: destination, in: db)
            return (pending, waiting)
        }
        backlog.record(waiting)
        var bytes = 0
        let batch = pending.prefix { message in
            defer { bytes += message.payload.count }
            return bytes == 0 || bytes + message.payload.count <= maximumBatchBytes
        }
        // Nothing this relay may deliver now (none waiting, or another replica holds the lease).
        guard !batch.isEmpty else { return (0, 0) }
        return (try await deliverSplitting(batch), waiting - batch.count)
    }

    /// Delivers `batch`; if the receiver refuses it for good, delivers each half in turn, down to
    /// single events, which are parked. Returns how many events left the outbox.
    private func deliverSplitting(_ batch: ArraySlice<OutboxMessage>) async throws -> Int {
        let messages = Array(batch)
        do {
            try await deliver(messages)
        } catch let error where Self.isRefusedForGood(error) {
            guard messages.count > 1 else {
                guard parks(error, size: messages[0].payload.count) else {
                    try? await database.transaction(syncing: false) { db in try Outbox.markAttempted(messages, in: db) }
                    throw error
                }
                try await park(messages[0], error: error)
                return 1
            }
            let middle = batch.startIndex + batch.count / 2
            let first = try await deliverSplitting(batch[..<middle])
            return first + (try await deliverSplitting(batch[middle...]))
        } catch {
            try? await database.transaction(syncing: false) { db in try Outbox.markAttempted(messages, in: db) }
            throw error
        }
        // Not synced (SQLite): a mark lost in a crash means the events go out again, and the
        // receiver drops what it already has; so a relay's batch costs no fsync of its own.
        try await database.transaction(syncing: false) { db in try Outbox.markDelivered(messages, in: db) }
        return messages.count
    }

    /// Moves `message` to the dead letters, says so in the log and the metrics.
    private func park(_ message: OutboxMessage, error: any Error) async throws {
        let failure = String(String(describing: error).prefix(1_000))
        let count = try await database.transaction { db in try Outbox.park(message, failure: failure, in: db) }
        parked.increment()
        deadLetters.record(count)
        logger.warning(
            "outbox event refused for good by its receiver; parked as a dead letter, later events go on",
            metadata: [
                "destination": "\(destination)", "event_id": "\(message.eventID)",
                "aggregate_id": "\(message.aggregateID)", "sequence": "\(message.sequence)", "failure": "\(failure)",
            ])
    }
}
