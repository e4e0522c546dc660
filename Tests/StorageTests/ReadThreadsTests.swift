import Dispatch
import Foundation
import GRDB
import Synchronization
import Testing

@testable import Storage

/// How ``ReadThreads`` hands reads to its threads when it may keep only one busy (a process on one
/// core): a read held inside its read still never holds the next one. Decided by what released
/// the held read, never by time.
@Suite struct ReadThreadsTests {
    @Test func onOneCoreAReadQueuedBehindAHeldReadIsRunByAnotherThread() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("threads-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/test.sqlite"
        let threads = ReadThreads(count: 2, cores: 1, name: "test-read") { try DatabaseQueue(path: path) }
        defer { threads.stop() }

        let heldStarted = DispatchSemaphore(value: 0)
        let quickDone = DispatchSemaphore(value: 0)
        let releasedByQuick = Mutex<Bool?>(nil)
        let heldDone = DispatchSemaphore(value: 0)
        #expect(
            threads.submit { _ in
                heldStarted.signal()
                // Up to 60 s: only a quick read that waited for this one would take that long.
                let released = quickDone.wait(timeout: .now() + 60) == .success
                releasedByQuick.withLock { $0 = released }
                heldDone.signal()
            })
        heldStarted.wait()
        let quickHadItsConnection = Mutex(false)
        #expect(
            threads.submit { database in
                quickHadItsConnection.withLock { $0 = (try? database.get()) != nil }
                quickDone.signal()
            })
        heldDone.wait()
        #expect(releasedByQuick.withLock { $0 } == true)
        #expect(quickHadItsConnection.withLock { $0 })
    }
}
