import Foundation
import GRDB
import Synchronization

/// The threads a ``ServiceDatabase``'s reads run on, each reading through a read-only connection
/// of its own, taking jobs from one queue. A thread opens its connection at its first job (a
/// database that is rarely read holds one connection, not one per thread: each costs three file
/// descriptors) and closes it when it ends.
///
/// A job wakes a sleeping thread only while fewer threads are busy (or woken) than the process
/// has cores; otherwise a busy thread takes it when it is done with the jobs before it, without
/// sleeping in between (a burst of 64 reads on one core is read by one thread in four
/// transactions, not by four threads taking turns). The thread woken is the one that went to
/// sleep last, whose connection's pages and statements are the warmest. On one core every wake is a context switch away from the event loop, and threads
/// beyond the cores only take turns (each with a page cache of its own): a service pinned to one
/// core read about 10% cheaper per call with one thread doing its reads than with four
/// (service-profile.md). A slow read holds only its own thread: while a thread is busy, the
/// waiting thread that slept first looks at the queue every ``busyLook`` (a job that finds every
/// allowed thread taken sets it to, if it slept longer), and if jobs wait and no job was finished
/// since it last looked, it takes one (StorageOffEventLoopTests, ReadThreadsTests). Progress, not
/// time, decides: on a shared core a busy thread may wait for the CPU far longer than its reads take.
///
/// A thread runs all its jobs inside one `inDatabase` of its connection, not one each: GRDB's
/// `inDatabase` is a `DispatchQueue.sync` with its scheduling checks, which cost as much as a
/// one-row read's own work in the profile of a read under load (service-profile.md).
///
/// A thread runs the jobs it finds waiting one after another in ONE read transaction: one
/// `BEGIN`/`COMMIT` and one WAL read lock for up to ``batchLimit`` jobs instead of one each. It
/// takes them from the shared queue one at a time, as it gets to each, and only those queued
/// before its transaction began (each job carries a ticket, the transaction the tickets issued at
/// its `BEGIN`): each job so still sees every write committed before it was queued (a caller
/// reads its own writes), and a job not yet started stays in the queue for another thread, so a
/// slow job never holds the ones queued behind it. A job that ends the transaction (an error
/// SQLite answers by rolling back) leaves the next job a transaction of its own.
final class ReadThreads: @unchecked Sendable {
    /// A job: runs on a read thread inside a read transaction of that thread's connection (one
    /// snapshot for all its statements), or gets the error opening the connection or beginning
    /// the transaction.
    typealias Job = @Sendable (Result<Database, any Error>) -> Void

    /// The most jobs one read transaction runs (its snapshot is not held long).
    static let batchLimit = 16
    /// How many taken jobs the queue may hold before letting go of them although it is not empty
    /// (under a steady load it may never run empty: each job would be kept otherwise).
    static let compactAfter = 256
    /// How long a waiting thread sleeps before looking at the queue unasked: briefly while another
    /// thread is busy (a job may be queued behind a slow one), long when all wait.
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
    /// The jobs queued, each with its ticket (how many were queued before it).
    private var jobs: [(ticket: UInt64, job: Job)] = []
    /// Where the next job to take is in `jobs`.
    private var next = 0
    /// The next job's ticket.
    private var tickets: UInt64 = 0
    /// The threads waiting, the one that went to sleep last at the end.
    private var idle: [Int] = []
    /// Threads taken off `idle` and signalled for a job that have not woken yet, and how many.
    private var woken: [Bool]
    private var signalled = 0
    /// Waiting threads signalled only to look sooner, and whether each waiting thread looks soon.
    private var poked: [Bool]
    private var looksSoon: [Bool]
    /// Threads running jobs.
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
        poked = Array(repeating: false, count: count)
        looksSoon = Array(repeating: false, count: count)
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
        jobs.append((tickets, job))
        tickets &+= 1
        var thread: Int?
        if !idle.isEmpty {
            if busy + signalled < cores {
                thread = takeIdleThread()
            } else if let watcher = idle.first, !looksSoon[watcher], !poked[watcher] {
                // All the threads allowed are taken: the one that slept first looks soon from
                // now on, in case the job it waits behind turns out slow.
                poked[watcher] = true
                thread = watcher
            }
        }
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
        var pending = nextJob(index, finishing: false)
        while let first = pending {
            pending = nil
            do {
                // The connection is opened at the first job and closed when the thread ends; every
                // transaction runs inside this one `inDatabase`.
                let reader = try open()
                reader.inDatabase { db in
                    var job: Job? = first
                    while let current = job {
                        self.runTransaction(startingWith: current, on: db)
                        job = nextJob(index)
                    }
                }
            } catch {
                // Opening failed: this job fails, the next one tries again.
                first(.failure(error))
                pending = nextJob(index)
            }
        }
        condition.lock()
        running -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Runs `first`, then the jobs queued before this transaction began (at most ``batchLimit``
    /// in all, each taken when its turn comes), in one read transaction on `db`; a job that ended
    /// the transaction leaves the next one a new one; a job whose `BEGIN` fails gets its error.
    /// The connection never carries a transaction into the next one.
    private func runTransaction(startingWith first: @escaping Job, on db: Database) {
        let began = issuedTickets()
        var job: Job? = first
        var count = 0
        while let current = job {
            count += 1
            do {
                if !db.isInsideTransaction { try db.cachedStatement(sql: "BEGIN DEFERRED TRANSACTION").execute() }
                current(.success(db))
            } catch {
                current(.failure(error))
            }
            finished.wrappingAdd(1, ordering: .relaxed)
            job = count < Self.batchLimit ? takeJob(queuedBefore: began) : nil
        }
        ServiceDatabase.endReadTransaction(on: db)
    }

    /// How many tickets were issued: every job queued so far has a lower one.
    private func issuedTickets() -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return tickets
    }

    /// The next job if it was queued before ticket `ticket` was issued, without waiting.
    private func takeJob(queuedBefore ticket: UInt64) -> Job? {
        condition.lock()
        defer { condition.unlock() }
        guard next < jobs.count, jobs[next].ticket < ticket else { return nil }
        return take()
    }

    /// The next job for `thread`, sleeping until there is one; nil once ``stop()`` was called and
    /// no job is left. `finishing`: the thread ran a job before (it was busy).
    private func nextJob(_ thread: Int, finishing: Bool = true) -> Job? {
        condition.lock()
        defer { condition.unlock() }
        if finishing { busy -= 1 }
        while true {
            if next < jobs.count {
                busy += 1
                return take()
            }
            if stopped { return nil }
            idle.append(thread)
            sleep(thread)
        }
    }

    /// Takes the next job off the queue (with the lock held; one is there), letting go of the
    /// taken ones when the queue runs empty or ``compactAfter`` of them are held.
    private func take() -> Job {
        let job = jobs[next].job
        next += 1
        if next == jobs.count {
            jobs.removeAll(keepingCapacity: true)
            next = 0
        } else if next >= Self.compactAfter {
            jobs.removeFirst(next)
            next = 0
        }
        return job
    }

    /// Sleeps (with the lock held on entry and exit) until `thread` is woken for a job, or until
    /// looking unasked finds jobs waiting that no busy thread took although none finished a job
    /// since this thread last looked: a read that turned slow holds the busy threads. Stays where
    /// it is among the waiting threads while it only looks.
    private func sleep(_ thread: Int) {
        var finishedAtLastLook = finished.load(ordering: .relaxed)
        while true {
            looksSoon[thread] = busy + signalled > 0
            let look = looksSoon[thread] ? Self.busyLook : Self.idleLook
            condition.unlock()
            let outcome = wakeups[thread].wait(timeout: .now() + look)
            condition.lock()
            var signals = outcome == .success ? 1 : 0
            if woken[thread] || poked[thread] {
                let sent = (woken[thread] ? 1 : 0) + (poked[thread] ? 1 : 0)
                let wasWoken = woken[thread]
                if woken[thread] {
                    woken[thread] = false
                    signalled -= 1
                }
                poked[thread] = false
                // Take every signal sent for this thread (each is posted after its sender unlocked).
                condition.unlock()
                while signals < sent {
                    wakeups[thread].wait()
                    signals += 1
                }
                condition.lock()
                if wasWoken { return }
                finishedAtLastLook = finished.load(ordering: .relaxed)
                continue
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
