import Dispatch
import Foundation
import Synchronization
import Testing

@testable import HTTP2

/// ``IdleSpinner`` under storms of reads from several threads at once (two event loops note
/// reads concurrently), stopped at arbitrary moments. Nested in ``IdleSpinnerTests`` so that it
/// runs serialized with it: both count this process's spinner threads in `/proc/self/task`.
/// Every wait is for an outcome, bounded generously; nothing here times anything.
extension IdleSpinnerTests {
    @Suite struct Attacks {
        /// One spinner thread as `/proc/self/task` shows it.
        struct SpinnerTask: Equatable {
            var id: String
            /// `R` running or runnable, `S` asleep.
            var state: String
            /// Times it blocked: each sleep on the semaphore adds one.
            var voluntarySwitches: Int
        }

        /// This process's spinner threads.
        static func spinnerTasks() -> [SpinnerTask] {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
            return tasks.compactMap { task in
                guard
                    let name = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8),
                    name.trimmingCharacters(in: .whitespacesAndNewlines) == IdleSpinner.threadName,
                    let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
                    let afterName = stat.range(of: ") "),
                    let status = try? String(contentsOfFile: "/proc/self/task/\(task)/status", encoding: .utf8),
                    let line = status.split(separator: "\n").first(where: {
                        $0.hasPrefix("voluntary_ctxt_switches:")
                    }),
                    let switches = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces))
                else { return nil }
                return SpinnerTask(
                    id: task, state: String(stat[afterName.upperBound...].prefix(1)), voluntarySwitches: switches)
            }
        }

        /// Runs `body` on `threads` dispatch threads at once and returns when all have returned.
        static func concurrently(threads: Int, _ body: @escaping @Sendable (Int) -> Void) async {
            let group = DispatchGroup()
            for index in 0..<threads {
                DispatchQueue.global().async(group: group) { body(index) }
            }
            await withCheckedContinuation { continuation in
                group.notify(queue: .global()) { continuation.resume() }
            }
        }

        /// Notes reads from two threads (two event loops) with random gaps around the window,
        /// until `rounds` reads each, so that spinners keep crossing between spinning and sleeping
        /// while reads arrive.
        static func storm(_ spinner: IdleSpinner, rounds: Int) async {
            await concurrently(threads: 2) { _ in
                for _ in 0..<rounds {
                    spinner.noteActivity()
                    let gap = UInt32.random(in: 0..<2_500)
                    if gap > 200 { usleep(gap) }
                }
            }
        }

        /// After any storm, once every spinner is asleep a single read wakes every one of them:
        /// no wake-up is lost for good (a sleeper that missed its signal would stay asleep, and its
        /// count of sleeps would not move). Repeated after storms, because a lost wake-up would
        /// come from the flags and permits a storm leaves behind.
        @Test func afterAStormOneReadWakesEverySleepingSpinner() async throws {
            let spinner = IdleSpinner(window: .milliseconds(1), threads: 4)
            #expect(try await IdleSpinnerTests.eventually { Self.spinnerTasks().count == 4 })
            for _ in 0..<3 {
                await Self.storm(spinner, rounds: 400)
                for _ in 0..<5 {
                    // All asleep on the semaphore (and their counts settled).
                    var before: [SpinnerTask] = []
                    let asleep = try await IdleSpinnerTests.eventually {
                        let tasks = Self.spinnerTasks()
                        defer { before = tasks }
                        return tasks.count == 4 && tasks.allSatisfy { $0.state == "S" } && tasks == before
                    }
                    try #require(asleep)
                    spinner.noteActivity()
                    // Each one woke, spun out the window and went back to sleep.
                    let allWoke = try await IdleSpinnerTests.eventually {
                        let now = Self.spinnerTasks()
                        return now.count == 4
                            && before.allSatisfy { old in
                                now.contains { $0.id == old.id && $0.voluntarySwitches > old.voluntarySwitches }
                            }
                    }
                    try #require(allWoke, "a sleeping spinner did not wake for a read")
                }
            }
            spinner.stop()
            #expect(try await IdleSpinnerTests.eventually { Self.spinnerTasks().isEmpty })
        }

        /// `stop` at any moment (spinning, about to sleep, asleep, just woken, with signals still
        /// pending from concurrent reads, reads still arriving after it) ends every thread, and
        /// the spinner (with its semaphore) is then freed: libdispatch would crash the process had
        /// it been freed with a waiter or below its initial value.
        @Test func stopAtAnyMomentEndsEveryThreadAndFreesTheSpinner() async throws {
            let windows: [Duration] = [.microseconds(50), .milliseconds(1), .seconds(3_600)]
            for round in 0..<12 {
                weak var freed: IdleSpinner?
                do {
                    let spinner = IdleSpinner(window: windows[round % windows.count], threads: 1 + round % 4)
                    freed = spinner
                    let stopAfter = Int.random(in: 0..<200)
                    await Self.concurrently(threads: 3) { index in
                        if index == 2 {
                            for _ in 0..<stopAfter { usleep(UInt32.random(in: 0..<100)) }
                            spinner.stop()
                            if round % 2 == 0 { spinner.stop() }
                        } else {
                            for _ in 0..<300 {
                                spinner.noteActivity()
                                usleep(UInt32.random(in: 0..<150))
                            }
                        }
                    }
                }
                #expect(try await IdleSpinnerTests.eventually { Self.spinnerTasks().isEmpty })
                #expect(try await IdleSpinnerTests.eventually { freed == nil }, "a spinner thread still holds it")
            }
        }

        /// A spinner created and stopped before its threads ever ran, and one stopped while its
        /// threads sleep before any read: both end and are freed.
        @Test func stopBeforeAnyReadEndsEveryThread() async throws {
            for threads in [1, 2, 8] {
                weak var freed: IdleSpinner?
                do {
                    let early = IdleSpinner(window: .seconds(3_600), threads: threads)
                    freed = early
                    early.stop()
                }
                #expect(try await IdleSpinnerTests.eventually { Self.spinnerTasks().isEmpty && freed == nil })
                do {
                    let sleeping = IdleSpinner(window: .seconds(3_600), threads: threads)
                    freed = sleeping
                    #expect(
                        try await IdleSpinnerTests.eventually {
                            let tasks = Self.spinnerTasks()
                            return tasks.count == threads && tasks.allSatisfy { $0.state == "S" }
                        })
                    sleeping.stop()
                }
                #expect(try await IdleSpinnerTests.eventually { Self.spinnerTasks().isEmpty && freed == nil })
            }
        }

        /// Reads noted without pause while the spinners sleep, wake and sleep again: the reader
        /// does bounded work per read (it signals once per sleep it claims), so 400,000 reads
        /// end, and the spinners end up asleep rather than spinning on left-over signals.
        @Test func aFloodOfReadsEndsAndLeavesTheSpinnersAsleep() async throws {
            let spinner = IdleSpinner(window: .microseconds(20), threads: 3)
            #expect(try await IdleSpinnerTests.eventually { Self.spinnerTasks().count == 3 })
            await Self.concurrently(threads: 2) { _ in
                for index in 0..<200_000 {
                    spinner.noteActivity()
                    if index % 50_000 == 0 { usleep(3_000) }
                }
            }
            #expect(
                try await IdleSpinnerTests.eventually {
                    let tasks = Self.spinnerTasks()
                    return tasks.count == 3 && tasks.allSatisfy { $0.state == "S" }
                })
            spinner.stop()
            #expect(try await IdleSpinnerTests.eventually { Self.spinnerTasks().isEmpty })
        }
    }
}
