import Foundation
import OversightAPI
import OversightDomain
import Runtime
import Wire

extension OversightService {
    /// The period the report monitor covers, up to now: 30 days.
    static let monitoredPeriod: TimeInterval = 30 * 86_400

    /// The loop verifying the whole chain every `interval` (at start, then hourly by default), so
    /// that `audit_chain_valid` and `audit_chain_last_verified_seconds` stay current without an
    /// auditor asking.
    public func chainMonitor(every interval: Duration = .seconds(3_600)) -> BackgroundLoop {
        BackgroundLoop("audit-chain-monitor", every: interval) { [self] in
            _ = try await verifyChain()
        }
    }

    /// Verifies the whole chain now (without checkpoints) and records the result in the metrics.
    @discardableResult
    public func verifyChain() async throws -> AuditLogVerification {
        let verification = Self.wire(try await store.verify())
        metrics.record(verification, at: clock())
        return verification
    }

    /// The loop computing the report of the last 30 days every `interval` (5 minutes by default)
    /// for `oversight_fairness_flagged_groups` and `oversight_refund_sla_*`. Its first report comes
    /// one interval after start, not at start: the report asks Inquiries for the rate table, and a
    /// call while Inquiries is still starting would put Oversight's client to Inquiries into its
    /// reconnect backoff, so that auditors' first reports had no rate table.
    public func reportMonitor(every interval: Duration = .seconds(300)) -> BackgroundLoop {
        let started = ContinuousClock.now
        return BackgroundLoop("report-monitor", every: interval) { [self] in
            guard ContinuousClock.now - started >= interval else { return }
            _ = try await refreshReportMetrics()
        }
    }

    /// Computes the report of the last 30 days now and records its fairness flags and refund SLA
    /// in the metrics; returns it.
    @discardableResult
    public func refreshReportMetrics() async throws -> Report {
        let now = clock()
        let rates = await rateTables?.current(at: now)
        let report = try await store.report(from: now - Self.monitoredPeriod, to: now, rates: rates)
        metrics.record(report)
        return report
    }

    /// The chain's verification as the contract gives it.
    static func wire(_ result: AuditChain.Verification) -> AuditLogVerification {
        AuditLogVerification.with {
            $0.valid = result.valid
            $0.recordsChecked = result.recordsChecked
            $0.firstInvalidSequence = result.firstInvalidSequence ?? 0
            $0.problem = result.problem
            $0.headHash = result.headHash
        }
    }
}
