import Dispatch
import Foundation
import GRDB
import Synchronization
import Testing

@testable import Storage

/// Reads run in batches (one read transaction), yet a read held inside its job never holds the
/// quick reads queued at the same time: a job not started stays in the queue for an idle thread
/// (found by an outside review: batches were taken whole). Decided by what released the held
/// read (the quick read finishing), as in ReadThreadsTests, never by a duration.
@Suite struct ReadThreadsSlowReadTests {
    static func path() throws -> (String, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("attack-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return (directory, "\(directory)/test.sqlite")
    }

    /// Waits on `semaphore` off the cooperative pool.
    static func wait(_ semaphore: DispatchSemaphore) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                semaphore.wait()
                done.resume()
            }
        }
    }

    /// A slow read S and a quick read Q queued together (while the only thread allowed busy is
    /// held by H) are taken as one batch; S then holds Q although another thread is idle and H
    /// has finished: Q waits for S. Before issue 15 each thread took one job at a time, and the
    /// idle thread would have taken Q.
    @Test(arguments: [1, 2, 4])
    func aSlowReadDoesNotHoldTheQuickReadQueuedWithIt(cores: Int) throws {
        let (directory, path) = try Self.path()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // One more thread than may be busy: there is always an idle one to take Q.
        let threads = ReadThreads(count: cores + 1, cores: cores, name: "slow-read") {
            try DatabaseQueue(path: path)
        }
        defer { threads.stop() }

        // Hold every thread allowed busy (each with a job of its own).
        let holdersStarted = DispatchSemaphore(value: 0)
        let releaseHolders = DispatchSemaphore(value: 0)
        for _ in 0..<cores {
            #expect(
                threads.submit { _ in
                    holdersStarted.signal()
                    releaseHolders.wait()
                })
            holdersStarted.wait()
        }
        let quickDone = DispatchSemaphore(value: 0)
        let releasedByQuick = Mutex<Bool?>(nil)
        let slowDone = DispatchSemaphore(value: 0)
        #expect(
            threads.submit { _ in
                // Up to 60 s: only a quick read stuck behind this one would take that long.
                let released = quickDone.wait(timeout: .now() + 60) == .success
                releasedByQuick.withLock { $0 = released }
                slowDone.signal()
            })
        #expect(threads.submit { _ in quickDone.signal() })
        for _ in 0..<cores { releaseHolders.signal() }
        slowDone.wait()
        #expect(releasedByQuick.withLock { $0 } == true, "the quick read waited for the slow read it was batched with")
    }
}
