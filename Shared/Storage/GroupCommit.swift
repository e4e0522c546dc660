import Foundation
import GRDB

/// Group commit of a SQLite database's write transactions. With `synchronous = FULL` every commit
/// waits for an fsync of the WAL, and a disk does a few hundred of those a second at best: one
/// transaction per command would cap the writes of a whole service at that rate. Here writes that
/// arrive while a commit (and its fsync) is in progress wait together and then run in one
/// transaction, each in a savepoint of its own, committed with one fsync. Each still acts alone:
///
/// - a write whose body throws (a domain error, a constraint) is rolled back to its savepoint
///   and fails only its own caller; the others of the batch commit;
/// - a caller hears of success only once the transaction holding its write is committed, so an
///   acknowledged write is as durable as one committed alone;
/// - writes of one batch run one after the other in the order they arrived and see each other's
///   changes, as if committed one by one (an idempotent retry in the same batch as its first
///   call finds that call's record);
/// - when the batch's transaction itself is lost (an error that rolls the whole transaction
///   back, a failed commit such as a full disk), nothing of it was committed and each write of
///   the batch runs again alone in a transaction of its own: only those that fail again fail. A
///   body may so run more than once; only its last run's changes are kept. (When the transaction
///   cannot even begin, the write lock held elsewhere past the busy timeout, the batch fails.)
///
/// - a write's `committed` hook runs on the writer once its transaction is committed, before any
///   caller of the batch is resumed: what a store does there (dropping kept reads of what the
///   write changed, ``ReadCache``) is done before anyone hears of the commit, even the caller
///   of an idempotent retry answered from the same batch.
///
/// No write waits for others to arrive: a batch is whatever queued during the previous commit
/// (one write when there is no contention, so a lone caller waits for one fsync, as before).
/// Batches run on GRDB's writer queue (``DatabasePool/asyncWriteWithoutTransaction(_:)``), one
/// batch per turn, so other GRDB writes (migrations, maintenance) take their turns in between.
final class GroupCommit: @unchecked Sendable {
    /// One waiting write: `run` runs its body in the current transaction and returns what resumes
    /// its caller once the transaction is committed; `fail` resumes its caller with an error.
    private struct Write: Sendable {
        /// Whether its commit must wait for the disk (see ``write(syncing:committed:_:)``).
        let syncing: Bool
        /// Runs on the writer once the write is committed, before any caller is resumed.
        let committed: (@Sendable () -> Void)?
        let run: @Sendable (Database) throws -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void

        /// What resumes the caller when `run` did not return (it always does, or throws): a
        /// failure, so that every caller is resumed exactly once whatever happens.
        var unfinished: @Sendable () -> Void {
            { [fail] in fail(DatabaseError(resultCode: .SQLITE_INTERNAL, message: "the write did not run")) }
        }
    }

    private let pool: DatabasePool
    private let maximumBatch: Int
    // Guarded by `lock`.
    private let lock = NSLock()
    private var waiting: [Write] = []
    private var scheduled = false
    private var commits = 0
    /// Whether the writer connection's `synchronous` is FULL, as ``ServiceDatabase`` opens it
    /// (touched only on the writer queue, in a batch's turn).
    private var synchronousFull = true

    /// Group commit on `pool`'s writer, at most `maximumBatch` writes per transaction.
    init(pool: DatabasePool, maximumBatch: Int = 256) {
        self.pool = pool
        self.maximumBatch = max(1, maximumBatch)
    }

    /// Runs `body` in a write transaction, possibly shared with other writes (each in a savepoint
    /// of its own); returns what it returned once that transaction is committed, or throws what
    /// it threw (its changes rolled back) or what made the commit fail.
    ///
    /// With `syncing` false the commit does not wait for the disk when no write of its
    /// transaction needs it (`synchronous = NORMAL` for that commit): a crash may lose it, but
    /// never out of order, since the WAL is written in order and the next synced commit's fsync
    /// makes it durable too. For writes that may be lost and done again, such as marking outbox
    /// events delivered (lost, they are delivered again and the receiver drops the duplicates).
    ///
    /// `committed` runs on the writer once the write is committed, before any caller of its batch
    /// is resumed (not when it fails: its changes were rolled back).
    func write<Value: Sendable>(
        syncing: Bool = true, committed: (@Sendable () -> Void)? = nil,
        _ body: @escaping @Sendable (Database) throws -> Value
    ) async throws -> Value {
        try await withUnsafeThrowingContinuation { continuation in
            submit(
                Write(
                    syncing: syncing, committed: committed,
                    run: { db in
                        let value = try body(db)
                        return { continuation.resume(returning: value) }
                    },
                    fail: { error in continuation.resume(throwing: error) }))
        }
    }

    /// How many writes wait for their turn (for tests).
    var waitingCount: Int { lock.withLock { waiting.count } }

    /// How many batch transactions committed so far (for tests).
    var committedTransactions: Int { lock.withLock { commits } }

    private func submit(_ write: Write) {
        let schedule = lock.withLock {
            waiting.append(write)
            guard !scheduled else { return false }
            scheduled = true
            return true
        }
        if schedule { scheduleBatch() }
    }

    private func scheduleBatch() {
        pool.asyncWriteWithoutTransaction { [self] db in
            let batch = lock.withLock {
                let count = min(waiting.count, maximumBatch)
                defer { waiting.removeFirst(count) }
                return Array(waiting.prefix(count))
            }
            commit(batch, in: db)
            // Back to FULL for whatever the writer runs next (other GRDB writes); should that
            // fail, the next syncing commit sets it again first, or fails.
            if !synchronousFull, (try? db.cachedStatement(sql: "PRAGMA synchronous = FULL").execute()) != nil {
                synchronousFull = true
            }
            let more = lock.withLock {
                scheduled = !waiting.isEmpty
                return scheduled
            }
            if more { scheduleBatch() }
        }
    }

    /// Runs `batch` and resumes its callers (each commit counted before its callers resume).
    private func commit(_ batch: [Write], in db: Database) {
        if batch.count > 1 {
            var finishes: [@Sendable () -> Void] = []
            finishes.reserveCapacity(batch.count)
            var committedHooks: [@Sendable () -> Void] = []
            var began = false
            do {
                try committing(syncing: batch.contains { $0.syncing }, db) {
                    try db.inTransaction(.immediate) {
                        began = true
                        for write in batch {
                            do {
                                var finish = write.unfinished
                                try db.inSavepoint {
                                    finish = try write.run(db)
                                    return .commit
                                }
                                finishes.append(finish)
                                if let committed = write.committed { committedHooks.append(committed) }
                            } catch let error where db.isInsideTransaction {
                                finishes.append { write.fail(error) }
                            }
                        }
                        return .commit
                    }
                }
                lock.withLock { commits += 1 }
                for committed in committedHooks { committed() }
                for finish in finishes { finish() }
                return
            } catch let error where !began {
                // No transaction to run in (the write lock still held elsewhere after the busy
                // timeout, a closed database): running each alone would wait as long again each.
                for write in batch { write.fail(error) }
                return
            } catch {
                // The transaction was lost: nothing of the batch is committed, and no caller was
                // resumed. Each write runs again alone, below.
            }
        }
        for write in batch {
            do {
                var finish = write.unfinished
                try committing(syncing: write.syncing, db) {
                    try db.inTransaction(.immediate) {
                        finish = try write.run(db)
                        return .commit
                    }
                }
                lock.withLock { commits += 1 }
                write.committed?()
                finish()
            } catch {
                write.fail(error)
            }
        }
    }

    /// Runs `transaction` with the connection's `synchronous` at FULL when `syncing`, else NORMAL
    /// (changed only when it differs from what it is; a syncing commit never runs unless FULL
    /// was set).
    private func committing(syncing: Bool, _ db: Database, _ transaction: () throws -> Void) throws {
        if syncing != synchronousFull {
            try db.cachedStatement(sql: syncing ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL").execute()
            synchronousFull = syncing
        }
        try transaction()
    }
}
