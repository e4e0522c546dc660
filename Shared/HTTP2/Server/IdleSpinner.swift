import Dispatch
import NIOCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Keeps the server's cores from going idle for a short window after it served a read, so
/// that the next request does not first have to wake a sleeping core.
///
/// Why: on a virtual machine an idle core halts, and waking it costs an exit to the
/// hypervisor and back. With one request at a time that wake is on every round trip. On
/// this project's machines it was the whole gap in serial latency to gRPC C++, whose own
/// thread hand-offs keep its core busy between requests (its CPU time per serial request
/// equals its latency); a spinning thread that never takes a core from real work brought
/// the echo's serial latency from about 1.2x C++'s to below it (Benchmarks/echo-bench.sh).
///
/// How: ``ServerConfiguration/busyPoll`` starts this many threads (one per event loop) at
/// the lowest scheduling class, `SCHED_IDLE`: a runnable thread of any other class takes
/// the core from them at once, so they only ever fill time that would otherwise be idle.
/// While a read happened within the window they spin reading the clock (no system calls);
/// then they sleep on a condition until the next read. Cost: up to `window` of otherwise
/// idle CPU after each burst of traffic. Under a CPU quota (a Kubernetes `limits.cpu`)
/// that time counts against the quota, which is why it is off unless configured. The same
/// idea as Go's scheduler spinning briefly before it parks a thread, or Netty's busy-wait
/// select strategy; the event loop itself cannot spin in `epoll_wait` here, because
/// SwiftNIO's loop does not expose its selector.
///
/// The event loop never waits for a spinner: it wakes them with a semaphore's signals, which
/// do not block, and shares no lock with them; nor does one spinner wait for another to run.
/// (A first version used a condition lock: a spinner that had just woken held its mutex, and a
/// `SCHED_IDLE` thread on a saturated core may wait seconds to run again, so the loop's next
/// read waited with it.) A thread sleeps once at the normal priority before it first spins, so
/// that starting one never waits for idle time.
final class IdleSpinner: Sendable {
    private let window: UInt64
    /// When the last read was served (`NIODeadline` nanoseconds), 0 before the first.
    private let lastActivity = Atomic<UInt64>(0)
    /// Spinners that announced a sleep no reader has claimed yet. A reader claims them all
    /// (resets it to 0) and signals `wake` once for each; so each sleep gets exactly one signal,
    /// and no spinner has to run for another to be woken.
    private let sleepers = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    /// What sleeping spinners wait on.
    private let wake = DispatchSemaphore(value: 0)
    /// How many threads were started.
    private let threadCount: Int

    /// Starts `threads` spinning threads that stay hot for `window` after each read.
    init(window: Duration, threads: Int) {
        self.window = UInt64(clamping: window.saturatingNanoseconds)
        threadCount = max(1, threads)
        for _ in 0..<threadCount {
            // A detached thread holding the spinner until `stop`.
            var thread = pthread_t()
            let context = Unmanaged.passRetained(self).toOpaque()
            let created = pthread_create(
                &thread, nil,
                { context in
                    guard let context else { return nil }
                    Unmanaged<IdleSpinner>.fromOpaque(context).takeRetainedValue().run()
                    return nil
                }, context)
            if created == 0 {
                pthread_detach(thread)
            } else {
                Unmanaged<IdleSpinner>.fromOpaque(context).release()
            }
        }
    }

    /// Notes that a read was served now; wakes sleeping spinners. Called on event loops.
    func noteActivity() {
        lastActivity.store(NIODeadline.now().uptimeNanoseconds, ordering: .sequentiallyConsistent)
        guard sleepers.load(ordering: .sequentiallyConsistent) > 0 else { return }
        let claimed = sleepers.exchange(0, ordering: .sequentiallyConsistent)
        for _ in 0..<claimed { wake.signal() }
    }

    /// Ends the threads (they leave at their next check).
    func stop() {
        stopped.store(true, ordering: .sequentiallyConsistent)
        for _ in 0..<threadCount { wake.signal() }
    }

    /// Whether a read was noted within the window (0: none yet; the uptime clock may be younger
    /// than the window, so 0 must not count as a read at boot).
    private var isHot: Bool {
        let last = lastActivity.load(ordering: .sequentiallyConsistent)
        return last != 0 && NIODeadline.now().uptimeNanoseconds &- last < window
    }

    /// One spinning thread's life.
    fileprivate func run() {
        Self.nameCurrentThread()
        var lowered = false
        while !stopped.load(ordering: .relaxed) {
            if isHot {
                if !lowered {
                    Self.lowerPriorityOfCurrentThread()
                    lowered = true
                }
                continue
            }
            sleepers.add(1, ordering: .sequentiallyConsistent)
            // Checked after announcing the sleep: a read noted before the announcement is seen
            // here; one noted after it sees the announcement and claims it, so the wait returns.
            // Seeing a read (or the stop), the spinner withdraws its announcement; if a reader
            // claimed one first, the signal it sent is this spinner's to take.
            if isHot || stopped.load(ordering: .sequentiallyConsistent), withdrawAnnouncement() { continue }
            wake.wait()
        }
    }

    /// Takes one unclaimed announcement back; false when readers have claimed them all.
    private func withdrawAnnouncement() -> Bool {
        var current = sleepers.load(ordering: .sequentiallyConsistent)
        while current > 0 {
            let (exchanged, original) = sleepers.compareExchange(
                expected: current, desired: current - 1, ordering: .sequentiallyConsistent)
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// The spinning threads' name (in `/proc/<pid>/task/*/comm`, `top -H`).
    static let threadName = "idle-spinner"

    /// Names the thread ``threadName``.
    private static func nameCurrentThread() {
        #if canImport(Glibc)
            if let comm = fopen("/proc/thread-self/comm", "w") {
                fputs(threadName, comm)
                fclose(comm)
            }
        #endif
    }

    /// Moves the thread to `SCHED_IDLE`: it runs only when its core has nothing else to run.
    private static func lowerPriorityOfCurrentThread() {
        #if canImport(Glibc)
            var parameters = sched_param()
            // SCHED_IDLE (5, <bits/sched.h>) is behind _GNU_SOURCE, which Swift's Glibc hides.
            let schedIdle: Int32 = 5
            _ = sched_setscheduler(0, schedIdle, &parameters)
        #endif
    }
}
