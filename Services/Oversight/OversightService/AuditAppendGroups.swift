import CommonAPI
import Foundation
import OversightAPI
import RPC
import Storage
import Synchronization

/// Appends on PostgreSQL, in groups: calls arriving while this process's append transactions
/// run wait, then go together in one transaction, chained one after the other as if each had
/// committed alone (each gets its own outcome; an event in two calls of one group is a duplicate
/// in the later one). The chain's lock, the transaction's round trips and its commit (a WAL
/// flush) are then paid once per group instead of once per call. At most ``maximumRunning``
/// groups at once per process: one holding the chain's lock while the next looks its keys up.
/// (SQLite's appends share their commits already: ``ServiceDatabase``'s group commit.)
///
/// If a group's transaction fails, each of its calls runs again alone, so that one call's failure
/// (such as a text the database cannot store) never fails the others; but when the database
/// itself failed (unreachable, busy, full), the group fails at once, rather than waiting as long
/// again for each call.
final class AuditAppendGroups: Sendable {
    /// One waiting call.
    private struct Call: Sendable {
        let batch: AuditLogWriter.Batch
        let checkpointing: AuditCheckpointing
        let resume: @Sendable (Result<AuditLogWriter.Outcome, any Error>) -> Void
    }

    /// The calls waiting, and how many groups run.
    private let state = Mutex<(waiting: [Call], running: Int)>(([], 0))
    /// The database.
    private let database: ServiceDatabase
    /// The most calls in one group.
    static let maximumGroup = 16
    /// The most groups running at once.
    static let maximumRunning = 2

    /// Calls waiting for a group (for tests).
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// Groups appends on `database`.
    init(database: ServiceDatabase) {
        self.database = database
    }

    /// Appends `events`, recorded at `now`, in the next group; returns once its group committed.
    func append(_ events: [Event], at now: Date, checkpointing: AuditCheckpointing) async throws
        -> AuditLogWriter.Outcome
    {
        try await withCheckedThrowingContinuation { continuation in
            let call = Call(batch: AuditLogWriter.Batch(events: events, now: now), checkpointing: checkpointing) {
                continuation.resume(with: $0)
            }
            let start = state.withLock { state in
                state.waiting.append(call)
                guard state.running < Self.maximumRunning else { return false }
                state.running += 1
                return true
            }
            if start { Task { await self.run() } }
        }
    }

    /// Runs groups while calls wait.
    private func run() async {
        while true {
            let group: [Call] = state.withLock { state in
                let count = min(state.waiting.count, Self.maximumGroup)
                let group = Array(state.waiting.prefix(count))
                state.waiting.removeFirst(count)
                if group.isEmpty { state.running -= 1 }
                return group
            }
            guard let first = group.first else { return }
            do {
                let outcomes = try await append(group.map(\.batch), checkpointing: first.checkpointing)
                for (call, outcome) in zip(group, outcomes) { call.resume(.success(outcome)) }
            } catch {
                guard group.count > 1, !Self.isTheDatabases(error) else {
                    for call in group { call.resume(.failure(error)) }
                    continue
                }
                for call in group {
                    do {
                        let outcomes = try await append([call.batch], checkpointing: call.checkpointing)
                        call.resume(.success(outcomes.first ?? AuditLogWriter.Outcome()))
                    } catch {
                        call.resume(.failure(error))
                    }
                }
            }
        }
    }

    /// Whether `error` is the database's rather than one call's: UNAVAILABLE or RESOURCE_EXHAUSTED.
    static func isTheDatabases(_ error: any Error) -> Bool {
        guard let convertible = error as? any RPCErrorConvertible else { return false }
        return [.unavailable, .resourceExhausted].contains(convertible.rpcError.code)
    }

    /// Appends `batches` in one transaction, with the checkpoint due after the last; returns
    /// each batch's outcome.
    private func append(_ batches: [AuditLogWriter.Batch], checkpointing: AuditCheckpointing) async throws
        -> [AuditLogWriter.Outcome]
    {
        try await database.transaction { db in
            let writer = AuditLogWriter(db: db)
            var outcomes = try writer.append(batches)
            guard let last = outcomes.last, let now = batches.last?.now else { return outcomes }
            let checkpoint = try writer.checkpoint(
                at: now, with: checkpointing, head: (last.lastSequence, last.lastHash))
            for index in outcomes.indices { outcomes[index].checkpoint = checkpoint }
            return outcomes
        }
    }
}
