import Foundation
import GRDB

/// The threads a ``ServiceDatabase``'s reads run on, each reading through a read-only connection
/// of its own, taking jobs from one queue. A thread opens its connection at its first job (a
/// database that is rarely read holds one connection, not one per thread: each costs three file
/// descriptors) and closes it when it ends.
///
/// A job wakes a sleeping thread only when more jobs wait than threads were already woken for
/// them; a thread that finishes a job takes the next one without sleeping. So a burst of reads
/// (64 calls arriving in one read of the socket) wakes a few threads, not one per read, and
/// every wake is a context switch away from the event loop on a busy core. A read that takes
/// long holds only its own thread: the next job wakes another (StorageOffEventLoopTests).
///
/// A thread runs all its jobs inside one `inDatabase` of its connection, not one each: GRDB's
/// `inDatabase` is a `DispatchQueue.sync` with its scheduling checks, which cost as much as a
/// one-row read's own work in the profile of a read under load (service-profile.md).
///
/// A thread takes the jobs waiting when it looks (up to ``batchLimit``) together, and runs them
/// in ONE read transaction: one `BEGIN`/`COMMIT` and one WAL read lock for the batch instead of
/// one each, and one turn of the queue's lock. Every job of a batch was queued before the batch
/// was taken, so before its transaction's snapshot was: each still sees every write committed
/// before it was queued (a caller reads its own writes). A job that ends the transaction (an
/// error SQLite answers by rolling back) leaves the next job a transaction of its own.
final class ReadThreads: @unchecked Sendable {
    /// A job: runs on a read thread inside a read transaction of that thread's connection (one
    /// snapshot for all its statements), or gets the error opening the connection or beginning
    /// the transaction.
    typealias Job = @Sendable (Result<Database, any Error>) -> Void

    /// The most jobs a thread takes at once. A batch runs one job after another on one thread,
    /// so a slow job delays the ones taken with it; more than this many waiting wake another thread.
    static let batchLimit = 16

    // Everything below is guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [Job] = []
    /// Where the next job to take is in `jobs` (taken ones are dropped once all are).
    private var next = 0
    /// Threads waiting for a job, and how many of them were signalled and have not woken yet.
    private var waiting = 0
    private var signalled = 0
    private var stopped = false
    /// Threads not yet ended.
    private var running = 0

    /// Starts `count` threads, named `<name>-<n>`, each opening its connection with `open` when
    /// it first has a job.
    init(count: Int, name: String, open: @escaping @Sendable () throws -> DatabaseQueue) {
        running = count
        for index in 0..<count {
            let thread = Thread { [self] in run(opening: open) }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    /// Queues `job`; returns false (not queuing it) once ``stop()`` was called. A thread is
    /// signalled after the lock is released, so that the woken thread does not at once block on
    /// the lock its waker still holds (one more switch each way on a shared core).
    func submit(_ job: @escaping Job) -> Bool {
        condition.lock()
        guard !stopped else {
            condition.unlock()
            return false
        }
        jobs.append(job)
        let wake = jobs.count - next > signalled * Self.batchLimit && waiting > signalled
        if wake { signalled += 1 }
        condition.unlock()
        if wake { condition.signal() }
        return true
    }

    /// Jobs queued and not yet taken by a thread (for tests).
    var queuedCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return jobs.count - next
    }

    /// Refuses new jobs; the threads finish the queued ones, close their connections and end.
    /// With `waiting`, returns once they have (never call it so from a job).
    func stop(waiting: Bool = true) {
        condition.lock()
        stopped = true
        condition.broadcast()
        while waiting, running > 0 { condition.wait() }
        condition.unlock()
    }

    private func run(opening open: @Sendable () throws -> DatabaseQueue) {
        #if os(Linux)
            // SCHED_BATCH (3): a read thread woken by a job does not preempt the thread that queued
            // it, so an event loop queues every read of a burst before the reads run (on a shared
            // core, the reads otherwise preempted the loop at every job, one context switch each).
            var parameters = sched_param(sched_priority: 0)
            _ = pthread_setschedparam(pthread_self(), 3, &parameters)
        #endif
        var pending = nextJobs()
        while !pending.isEmpty {
            let batch = pending
            pending = []
            do {
                // The connection is opened at the first job and closed when the thread ends; every
                // batch runs inside this one `inDatabase`.
                let reader = try open()
                reader.inDatabase { db in
                    var current = batch
                    while !current.isEmpty {
                        Self.runInOneReadTransaction(current, on: db)
                        current = nextJobs()
                    }
                }
            } catch {
                // Opening failed: these jobs fail, the next ones try again.
                for job in batch { job(.failure(error)) }
                pending = nextJobs()
            }
        }
        condition.lock()
        running -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Runs `batch` in order inside one read transaction on `db`; a job that ended it (SQLite
    /// rolls a transaction back on some errors) leaves the next one a new transaction. If a
    /// `BEGIN` fails, the jobs left get its error. The connection never carries a transaction
    /// into the next batch.
    private static func runInOneReadTransaction(_ batch: [Job], on db: Database) {
        for (index, job) in batch.enumerated() {
            if !db.isInsideTransaction {
                do {
                    try db.cachedStatement(sql: "BEGIN DEFERRED TRANSACTION").execute()
                } catch {
                    for failing in batch[index...] { failing(.failure(error)) }
                    return
                }
            }
            job(.success(db))
        }
        ServiceDatabase.endReadTransaction(on: db)
    }

    /// The jobs waiting (at most ``batchLimit``, in the order queued), waiting for one; empty
    /// once ``stop()`` was called and no job is left.
    private func nextJobs() -> [Job] {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if next < jobs.count {
                let end = min(jobs.count, next + Self.batchLimit)
                let batch = Array(jobs[next..<end])
                next = end
                if next == jobs.count {
                    jobs.removeAll(keepingCapacity: true)
                    next = 0
                }
                return batch
            }
            if stopped { return [] }
            waiting += 1
            // The timeout only bounds the damage of a miscounted wake; jobs never rely on it.
            _ = condition.wait(until: Date(timeIntervalSinceNow: 0.5))
            waiting -= 1
            signalled = max(0, signalled - 1)
        }
    }
}
