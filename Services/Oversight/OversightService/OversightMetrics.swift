import Foundation
import Metrics
import OversightAPI

/// What Oversight exports for alerting (deploy/prometheus): the audit chain's latest
/// verification, and the fairness flags and refund SLA of the rolling report its monitor computes.
final class OversightMetrics: Sendable {
    /// The fairness dimensions, each with its gauge from the start.
    static let dimensions = ["region", "order_value_band", "account_age_band"]

    /// `audit_chain_valid`: 1 if the latest verification found the log intact, 0 if not.
    let chainValid: Gauge
    /// `audit_chain_records_checked`: how many records the latest verification checked.
    let chainRecords: Gauge
    /// `audit_chain_last_verified_seconds`: when the latest verification ran (Unix seconds).
    let chainVerifiedAt: Gauge
    /// `audit_chain_verification_failures_total`: verifications that found the log invalid.
    let chainFailures: Counter
    /// `oversight_fairness_flagged_groups{dimension}`: groups the rolling report flags.
    let flaggedGroups: [String: Gauge]
    /// `oversight_refund_sla_breached`: refunds of the rolling report that breached their SLA.
    let refundsBreached: Gauge
    /// `oversight_refund_sla_refunds`: refunds the rolling report counts for the SLA.
    let refundsCounted: Gauge

    /// The instruments, made by `factory`.
    init(factory: any MetricsFactory) {
        chainValid = Gauge(label: "audit_chain_valid", factory: factory)
        chainRecords = Gauge(label: "audit_chain_records_checked", factory: factory)
        chainVerifiedAt = Gauge(label: "audit_chain_last_verified_seconds", factory: factory)
        chainFailures = Counter(label: "audit_chain_verification_failures_total", factory: factory)
        flaggedGroups = Dictionary(
            uniqueKeysWithValues: Self.dimensions.map { dimension in
                (
                    dimension,
                    Gauge(
                        label: "oversight_fairness_flagged_groups", dimensions: [("dimension", dimension)],
                        factory: factory)
                )
            })
        refundsBreached = Gauge(label: "oversight_refund_sla_breached", factory: factory)
        refundsCounted = Gauge(label: "oversight_refund_sla_refunds", factory: factory)
    }

    /// Records a verification of the chain that ran at `at`.
    func record(_ verification: AuditLogVerification, at: Date) {
        chainValid.record(verification.valid ? 1 : 0)
        chainRecords.record(verification.recordsChecked)
        chainVerifiedAt.record(at.timeIntervalSince1970)
        if !verification.valid { chainFailures.increment() }
    }

    /// Records the rolling report's fairness flags and refund SLA.
    func record(_ report: Report) {
        let dimensions = report.fairness?.dimensions ?? []
        for (name, gauge) in flaggedGroups {
            let groups = dimensions.first { $0.dimension == name }?.groups ?? []
            gauge.record(groups.filter(\.flagged).count)
        }
        refundsBreached.record(report.refundSla?.breached ?? 0)
        refundsCounted.record(report.refundSla?.refunds ?? 0)
    }
}
