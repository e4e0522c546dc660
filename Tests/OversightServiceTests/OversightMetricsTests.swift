import CommonAPI
import Foundation
import MetricsTestKit
import OversightAPI
import OversightService
import RPC
import Runtime
import Testing
import Wire

/// The gauges the alert rules read (deploy/prometheus): the audit chain's latest verification,
/// whoever ran it, and the fairness flags and refund SLA of the rolling 30-day report.
@Suite struct OversightMetricsTests {
    /// Minutes from the harness's start to a time inside the monitored period (the clock stands
    /// at day 40; the monitor covers the 30 days before).
    static let insidePeriod: Double = 35 * 1_440

    @Test func aVerificationRecordsItsResultAndAFailureIsCounted() async throws {
        let harness = try OversightHarness()
        try await OversightServiceTests.filledLog(harness)
        let verified = try await harness.service.verifyChain()
        #expect(verified.valid)
        #expect(try harness.metrics.expectGauge("audit_chain_valid").lastValue == 1)
        #expect(try harness.metrics.expectGauge("audit_chain_records_checked").lastValue == 40)
        #expect(
            try harness.metrics.expectGauge("audit_chain_last_verified_seconds").lastValue
                == OversightHarness.start.addingTimeInterval(40 * 86_400).timeIntervalSince1970)
        #expect(try harness.metrics.expectCounter("audit_chain_verification_failures_total").totalValue == 0)

        try await harness.tamper("UPDATE audit_log SET event = X'0A0178' WHERE sequence = 17")
        let auditor = try harness.client("auditor-1", .auditor)
        #expect(try await auditor.verifyAuditLog(VerifyAuditLogRequest()).valid == false)
        #expect(try harness.metrics.expectGauge("audit_chain_valid").lastValue == 0)
        #expect(try harness.metrics.expectCounter("audit_chain_verification_failures_total").totalValue == 1)
        #expect(try await harness.service.verifyChain().valid == false)
        #expect(try harness.metrics.expectCounter("audit_chain_verification_failures_total").totalValue == 2)
    }

    /// 400 decisions in four regions inside the period: 90% favorable everywhere, or, biased,
    /// LATAM only 40%.
    static func decisions(biased: Bool) -> [Event] {
        (0..<400).map { index in
            let region = ["EU", "NA", "APAC", "LATAM"][index % 4]
            let occurrence = index / 4
            let favorable = region == "LATAM" && biased ? occurrence % 10 < 4 : occurrence % 10 != 0
            return OversightHarness.event(
                "d-\(index)", .decision, caseID: "c-\(index)", minutes: insidePeriod + Double(index), region: region,
                favorable: favorable)
        }
    }

    @Test(arguments: [false, true])
    func theRollingReportExportsFairnessFlags(_ biased: Bool) async throws {
        let harness = try OversightHarness()
        try await harness.record(Self.decisions(biased: biased))
        // Decisions before the period do not count: a biased stream 35 days ago raises nothing.
        try await harness.record(
            Self.decisions(biased: true).map { event in
                var old = event
                old.eventID = "old-\(event.eventID)"
                old.occurredAt = Timestamp(OversightHarness.start)
                return old
            })
        let report = try await harness.service.refreshReportMetrics()
        #expect(report.fairness?.decisions == 400)
        func flagged(_ dimension: String) throws -> Double? {
            try harness.metrics.expectGauge("oversight_fairness_flagged_groups", [("dimension", dimension)]).lastValue
        }
        #expect(try flagged("region") == (biased ? 1 : 0))
        #expect(try flagged("order_value_band") == 0)
        #expect(try flagged("account_age_band") == 0)
    }

    @Test func theRollingReportExportsRefundSLABreaches() async throws {
        let harness = try OversightHarness()
        func refund(_ id: String, _ kind: EventKind, day: Double, expectedDay: Double) -> Event {
            var event = OversightHarness.event(
                "\(id)-\(kind.rawValue)", kind, caseID: id, minutes: day * 1_440, category: "RETURN")
            event.sourceService = "refunds"
            event.aggregateType = "refund"
            event.refund = RefundDetail.with {
                $0.amount = Money.with {
                    $0.minorUnits = 1_000; $0.currencyCode = "EUR"
                }
                $0.expectedBy = Timestamp(OversightHarness.start.addingTimeInterval(expectedDay * 86_400))
                $0.completed = true
            }
            return event
        }
        try await harness.record(
            [
                // Completed in time; still open past its deadline; still open within it.
                refund("on-time", .refundOpened, day: 20, expectedDay: 30),
                refund("on-time", .refundFinished, day: 25, expectedDay: 30),
                refund("late", .refundOpened, day: 21, expectedDay: 31),
                refund("open", .refundOpened, day: 35, expectedDay: 45),
            ], as: "refunds")
        let report = try await harness.service.refreshReportMetrics()
        #expect(report.refundSla?.refunds == 3)
        #expect(try harness.metrics.expectGauge("oversight_refund_sla_breached").lastValue == 1)
        #expect(try harness.metrics.expectGauge("oversight_refund_sla_refunds").lastValue == 3)
    }
}
