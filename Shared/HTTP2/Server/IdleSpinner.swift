import NIOConcurrencyHelpers
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
final class IdleSpinner: Sendable {
    private let window: UInt64
    /// When the last read was served (`NIODeadline` nanoseconds).
    private let lastActivity = Atomic<UInt64>(0)
    /// Spinners asleep on `wake`; a reader wakes them only when there are any.
    private let sleepers = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    /// True once a read (or `stop`) happened since the spinners last went to sleep.
    private let wake = ConditionLock(value: false)

    /// Starts `threads` spinning threads that stay hot for `window` after each read.
    init(window: Duration, threads: Int) {
        self.window = UInt64(clamping: window.saturatingNanoseconds)
        for _ in 0..<max(1, threads) {
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
        wake.lock()
        wake.unlock(withValue: true)
    }

    /// Ends the threads (they leave at their next check).
    func stop() {
        stopped.store(true, ordering: .sequentiallyConsistent)
        wake.lock()
        wake.unlock(withValue: true)
    }

    private var isHot: Bool {
        let last = lastActivity.load(ordering: .sequentiallyConsistent)
        return NIODeadline.now().uptimeNanoseconds &- last < window
    }

    /// One spinning thread's life.
    fileprivate func run() {
        Self.lowerPriorityOfCurrentThread()
        while !stopped.load(ordering: .relaxed) {
            if isHot { continue }
            sleepers.add(1, ordering: .sequentiallyConsistent)
            wake.lock()
            // Checked again after announcing the sleep: a read noted before the announcement is
            // seen here; one noted after it sets `wake` (under the lock, so not before this).
            let sleep = !isHot && !stopped.load(ordering: .sequentiallyConsistent)
            wake.unlock(withValue: false)
            if sleep {
                wake.lock(whenValue: true)
                wake.unlock()
            }
            sleepers.subtract(1, ordering: .sequentiallyConsistent)
        }
    }

    /// The spinning threads' name (in `/proc/<pid>/task/*/comm`, `top -H`).
    static let threadName = "idle-spinner"

    /// Names the thread and moves it to `SCHED_IDLE`: it runs only when its core has nothing
    /// else to run.
    private static func lowerPriorityOfCurrentThread() {
        #if canImport(Glibc)
            if let comm = fopen("/proc/thread-self/comm", "w") {
                fputs(threadName, comm)
                fclose(comm)
            }
            var parameters = sched_param()
            // SCHED_IDLE (5, <bits/sched.h>) is behind _GNU_SOURCE, which Swift's Glibc hides.
            let schedIdle: Int32 = 5
            _ = sched_setscheduler(0, schedIdle, &parameters)
        #endif
    }
}
