import Foundation
import OrdersAPI
import Runtime
import TestSupport
import Testing

/// The CPU time of serial `ReportIssue`s (the whole call in process: client, router, token,
/// handler, SQLite and its fsync) on today's schema and on the schema before issue 15's
/// migrations, alternating, in one process: a measurement to run by hand
/// (`SUPPORT_MEASURE=1 swift test --filter ReportIssueCostTests`). CPU time, not wall time, so
/// that other processes on the machine count less; a debug build, so the Swift side is
/// overstated and the ratio understates what fewer pages save. It decides nothing.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SUPPORT_MEASURE"] == "1"), .serialized)
struct ReportIssueCostTests {
    /// Rounds, each measuring both schemas (in alternating order).
    static let rounds = 6
    /// Commands before measuring, and measured, per schema and round.
    static let warmUp = 100
    static let measured = 1_000

    @Test func cpuPerSerialReportIssueBeforeAndAfterIssue15() async throws {
        var ratios: [Double] = []
        for round in 0..<Self.rounds {
            var cost: [Bool: (user: Double, system: Double)] = [:]
            for upgraded in round % 2 == 0 ? [false, true] : [true, false] {
                let harness = try ReportIssueWALTests.harness(upgraded: upgraded)
                try await harness.importOrder(harness.order("o-1"))
                let customer = try harness.client("customer-1", .customer)
                for number in 0..<Self.warmUp {
                    _ = try await customer.reportIssue(ReportIssueWALTests.report(number))
                    harness.clock.advance(1)
                }
                let start = Self.processCPU()
                for number in Self.warmUp..<(Self.warmUp + Self.measured) {
                    _ = try await customer.reportIssue(ReportIssueWALTests.report(number))
                    harness.clock.advance(1)
                }
                let end = Self.processCPU()
                cost[upgraded] = (
                    (end.user - start.user) / Double(Self.measured), (end.system - start.system) / Double(Self.measured)
                )
            }
            let before = cost[false] ?? (0, 0)
            let after = cost[true] ?? (0, 0)
            let ratio = (after.user + after.system) / max(1, before.user + before.system)
            ratios.append(ratio)
            print(
                String(
                    format:
                        "round %d: CPU per ReportIssue before %.0f us (user %.0f, system %.0f), "
                        + "after %.0f us (user %.0f, system %.0f): after / before %.3f",
                    round, before.user + before.system, before.user, before.system, after.user + after.system,
                    after.user, after.system, ratio))
        }
        let sorted = ratios.sorted()
        print(String(format: "median after / before: %.3f", sorted[sorted.count / 2]))
    }

    /// The process's user and system CPU time so far, in microseconds.
    static func processCPU() -> (user: Double, system: Double) {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return (
            Double(usage.ru_utime.tv_sec) * 1e6 + Double(usage.ru_utime.tv_usec),
            Double(usage.ru_stime.tv_sec) * 1e6 + Double(usage.ru_stime.tv_usec)
        )
    }
}
