import Dispatch
import Foundation
import GRDB
import Synchronization
import Testing

@testable import Storage

/// Attack on ``ReadThreads/stop(waiting:)`` with reads queued behind a held one: none is lost
/// (each runs, with its connection), ``stop(waiting:)`` returns only after they ran, and a read
/// submitted after it is refused. Decided by counts, never by time.
@Suite struct ReadThreadsStopAttackTests {
    @Test(arguments: [1, 3])
    func readsQueuedWhenStoppingAllRunAndLaterOnesAreRefused(threadCount: Int) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stop-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/test.sqlite"
        let threads = ReadThreads(count: threadCount, cores: 1, name: "stop") { try DatabaseQueue(path: path) }
        let held = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        #expect(
            threads.submit { _ in
                held.signal()
                release.wait()
            })
        held.wait()
        let ran = Atomic(0)
        let queued = 40
        for _ in 0..<queued {
            #expect(threads.submit { db in if (try? db.get()) != nil { ran.add(1, ordering: .relaxed) } })
        }
        let stopped = DispatchSemaphore(value: 0)
        let ranWhenStopped = Mutex(-1)
        Thread.detachNewThread {
            threads.stop()
            ranWhenStopped.withLock { $0 = ran.load(ordering: .relaxed) }
            stopped.signal()
        }
        // stop() has been called once a new read is refused.
        while threads.submit({ _ in }) {}
        release.signal()
        stopped.wait()
        #expect(ranWhenStopped.withLock { $0 } == queued)
    }
}
