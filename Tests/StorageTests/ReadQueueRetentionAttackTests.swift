import Dispatch
import Foundation
import GRDB
import Synchronization
import Testing

@testable import Storage

/// Attack on ``ReadThreads``' queue: a job taken and run must be let go (with everything it
/// captured: a continuation, the read's closure, its request) even while the queue never runs
/// empty, as under a steady load deeper than one batch. Decided by counting live captures.
@Suite struct ReadQueueRetentionAttackTests {
    /// Counts its live instances.
    final class Capture: Sendable {
        static let live = Atomic(0)
        init() { Self.live.add(1, ordering: .relaxed) }
        deinit { Self.live.subtract(1, ordering: .relaxed) }
    }

    @Test func jobsRunAreReleasedWhileTheQueueNeverEmpties() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("queue-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/test.sqlite"
        let threads = ReadThreads(count: 1, cores: 1, name: "queue") { try DatabaseQueue(path: path) }
        defer { threads.stop() }
        let total = 3_000
        let depth = 40
        let submitted = Atomic(0)
        let liveAtEnd = Mutex(-1)
        let done = DispatchSemaphore(value: 0)
        let baseline = Capture.live.load(ordering: .relaxed)

        // Each job run queues the next one (as a closed-loop client does), so the queue holds
        // about `depth` jobs whenever the thread looks.
        @Sendable func submitOne() {
            let number = submitted.add(1, ordering: .relaxed).newValue
            let capture = Capture()
            _ = threads.submit { _ in
                withExtendedLifetime(capture) {}
                // Half way: the queue still holds about `depth` jobs.
                if number == total / 2 { liveAtEnd.withLock { $0 = Capture.live.load(ordering: .relaxed) - baseline } }
                if number == total { done.signal() }
                if number + depth <= total { submitOne() }
            }
        }
        let hold = DispatchSemaphore(value: 0)
        let held = DispatchSemaphore(value: 0)
        _ = threads.submit { _ in
            held.signal()
            hold.wait()
        }
        held.wait()
        for _ in 0..<depth { submitOne() }
        hold.signal()
        done.wait()
        let live = liveAtEnd.withLock { $0 }
        print("ATTACK queue: \(live) captures of \(total) jobs still alive when job \(total / 2) ran")
        // At most the jobs queued, in the batch running, and taken since the queue last let go.
        #expect(
            live <= depth + ReadThreads.batchLimit + ReadThreads.compactAfter,
            "jobs already run are still held by the queue")
    }
}
