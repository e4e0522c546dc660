import Foundation
import GRDB
import Synchronization

/// The threads a ``ServiceDatabase``'s reads run on, each reading through a read-only connection
/// of its own, taking jobs from one queue. A thread opens its connection at its first job (a
/// database that is rarely read holds one connection, not one per thread: each costs three file
/// descriptors) and closes it when it ends.
///
/// A job wakes a sleeping thread only while fewer threads are busy (or woken) than the process
/// has cores; otherwise a busy thread takes it when its batch ends, without sleeping in between
/// (a burst of 64 reads on one core is read by one thread in four batches, not by four threads
/// taking turns). The thread
/// woken is the one that went to sleep last, whose connection's pages and statements are the
/// warmest. On one core every wake is a context switch away from the event loop, and threads
/// beyond the cores only take turns (each with a page cache of its own): a service pinned to one
/// core read about 10% cheaper per call with one thread doing its reads than with four
/// (service-profile.md). A slow read holds only its own thread: while a thread is busy, the
/// waiting ones look at the queue every ``busyLook``, and if jobs wait and no job was finished
/// since a thread last looked, it takes them (StorageOffEventLoopTests, ReadThreadsTests).
/// Progress, not time, decides: on a shared core a busy thread may wait for the CPU far longer
/// than its reads take.
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

    /// The most jobs a thread takes at once (one read transaction: its snapshot is not held long).
    static let batchLimit = 16
    /// How many taken jobs the queue may hold before letting go of them although it is not empty
    /// (under a steady load deeper than a batch it never is: each job would be kept otherwise).
    static let compactAfter = 256
    /// How long a waiting thread sleeps before looking at the queue unasked: briefly while another
    /// thread is busy (a job may be queued behind its batch), long when all wait.
    static let busyLook = 0.02
    static let idleLook = 0.5

    /// How many threads may be busy at once before a job waits for one of them.
    private let cores: Int
    /// What each thread sleeps on while it waits.
    private let wakeups: [DispatchSemaphore]
    /// Jobs finished so far (wrapping), for the waiting threads to tell a slow read from a busy one.
    private let finished = Atomic<Int>(0)

    // Everything below is guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [Job] = []
    /// Where the next job to take is in `jobs` (taken ones are dropped once all are).
    private var next = 0
    /// The threads waiting, the one that went to sleep last at the end.
    private var idle: [Int] = []
    /// Threads taken off `idle` and signalled that have not woken yet, and how many.
    private var woken: [Bool]
    private var signalled = 0
    /// Threads running a batch.
    private var busy = 0
    private var stopped = false
    /// Threads not yet ended.
    private var running = 0

    /// Starts `count` threads, named `<name>-<n>`, each opening its connection with `open` when
    /// it first has a job; at most `cores` of them busy at once unless reads are slow (by default
    /// the cores this process may run on).
    init(
        count: Int, cores: Int = AvailableCores.count(), name: String,
        open: @escaping @Sendable () throws -> DatabaseQueue
    ) {
        running = count
        self.cores = max(1, cores)
        wakeups = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        woken = Array(repeating: false, count: count)
        for index in 0..<count {
            let thread = Thread { [self] in run(index, opening: open) }
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
        var thread: Int?
        if !idle.isEmpty, shouldWake() { thread = takeIdleThread() }
        condition.unlock()
        if let thread { wakeups[thread].signal() }
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
        var sleeping: [Int] = []
        while !idle.isEmpty { sleeping.append(takeIdleThread()) }
        condition.unlock()
        for thread in sleeping { wakeups[thread].signal() }
        condition.lock()
        while waiting, running > 0 { condition.wait() }
        condition.unlock()
    }

    /// Whether a waiting thread should be woken for the jobs queued (called with the lock held).
    private func shouldWake() -> Bool {
        busy + signalled < cores
    }

    /// Takes the thread that went to sleep last off `idle`, to be signalled (with the lock held).
    private func takeIdleThread() -> Int {
        let thread = idle.removeLast()
        woken[thread] = true
        signalled += 1
        return thread
    }
    private func run(_ index: Int, opening open: @Sendable () throws -> DatabaseQueue) {
        #if os(Linux)
            // SCHED_BATCH (3): a read thread woken by a job does not preempt the thread that queued
            // it, so an event loop queues every read of a burst before the reads run (on a shared
            // core, the reads otherwise preempted the loop at every job, one context switch each).
            var parameters = sched_param(sched_priority: 0)
            _ = pthread_setschedparam(pthread_self(), 3, &parameters)
        #endif
        var pending = nextJobs(index, finishing: false)
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
                        self.runInOneReadTransaction(current, on: db)
                        current = nextJobs(index)
                    }
                }
            } catch {
                // Opening failed: these jobs fail, the next ones try again.
                for job in batch { job(.failure(error)) }
                pending = nextJobs(index)
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
    private func runInOneReadTransaction(_ batch: [Job], on db: Database) {
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
            finished.wrappingAdd(1, ordering: .relaxed)
        }
        ServiceDatabase.endReadTransaction(on: db)
    }

    /// The jobs waiting (at most ``batchLimit``, in the order queued) for `thread`, sleeping until
    /// there are some; empty once ``stop()`` was called and no job is left. `finishing`: the
    /// thread ran a batch before (it was busy).
    private func nextJobs(_ thread: Int, finishing: Bool = true) -> [Job] {
        condition.lock()
        defer { condition.unlock() }
        if finishing { busy -= 1 }
        while true {
            if next < jobs.count {
                let end = min(jobs.count, next + Self.batchLimit)
                let batch = Array(jobs[next..<end])
                next = end
                if next == jobs.count {
                    jobs.removeAll(keepingCapacity: true)
                    next = 0
                } else if next >= Self.compactAfter {
                    jobs.removeFirst(next)
                    next = 0
                }
                busy += 1
                return batch
            }
            if stopped { return [] }
            idle.append(thread)
            sleep(thread)
        }
    }

    /// Sleeps (with the lock held on entry and exit) until `thread` is woken, or until looking
    /// unasked finds jobs that no busy thread took although none finished a job since this thread
    /// last looked: a read that turned slow after they were queued holds it, and no job after
    /// them woke a thread. Stays where it is among the waiting threads while it only looks.
    private func sleep(_ thread: Int) {
        var finishedAtLastLook = finished.load(ordering: .relaxed)
        while true {
            let look = busy > 0 ? Self.busyLook : Self.idleLook
            condition.unlock()
            let outcome = wakeups[thread].wait(timeout: .now() + look)
            condition.lock()
            if woken[thread] {
                woken[thread] = false
                signalled -= 1
                if outcome == .timedOut {
                    // Taken off `idle` just as the wait ended: the signal is on its way; take it.
                    condition.unlock()
                    wakeups[thread].wait()
                    condition.lock()
                }
                return
            }
            let finishedNow = finished.load(ordering: .relaxed)
            let stuck = next < jobs.count && signalled == 0 && (busy == 0 || finishedNow == finishedAtLastLook)
            finishedAtLastLook = finishedNow
            if stopped || stuck {
                idle.removeAll { $0 == thread }
                return
            }
        }
    }
}
