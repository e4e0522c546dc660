import CommonAPI
import Foundation
import OversightAPI
import OversightDomain
import Runtime
import Storage
import SupportPolicy

/// The report facts of a batch of appended events, gathered before they are written: one
/// `event_facts` row per event; one `cases` row per case (the batch's events of one case merged:
/// each of its times is the first the batch gives, kept only where the stored case has none);
/// and the refund SLA changes, one statement per event in log order.
struct AuditFacts {
    /// The `event_facts` rows, in log order.
    private(set) var factRows: [[any SQLBindable]] = []
    /// The cases touched, in first-seen order, and where each one's row is.
    private var cases: [String] = []
    private var caseIndex: [String: Int] = [:]
    private var caseValues: [(customerID: String, opened: Double?, firstResponse: Double?, resolved: Double?)] = []
    /// The refund SLA statements with their arguments, in log order.
    private(set) var refundStatements: [(String, [any SQLBindable])] = []

    /// The `cases` rows (case_key, customer_id, opened_at, first_response_at, resolved_at).
    var caseRows: [[any SQLBindable]] {
        zip(cases, caseValues).map { key, values in
            [key, values.customerID, values.opened, values.firstResponse, values.resolved]
        }
    }

    /// Files the facts of `event`, appended as record `sequence`.
    mutating func file(_ event: Event, sequence: Int64) throws {
        let occurred = event.occurredAt?.date ?? Date()
        let at = occurred.timeIntervalSince1970
        let fairness = try FairnessFacts(wire: event.fairness)
        factRows.append([
            sequence, at, Int64(event.kind.rawValue), event.category,
            fairness.region.isEmpty ? "unknown" : fairness.region, FairnessBands.valueBand(fairness.orderValue),
            FairnessBands.ageBand(createdAt: fairness.accountCreatedAt, at: occurred),
            event.decision?.favorable == true, event.decision?.followedPlaybook == true,
            fairness.orderValue?.minorUnits, fairness.orderValue?.currency,
        ])
        let caseKey = "\(event.aggregateType)/\(event.aggregateID)"
        switch event.kind {
        case .caseOpened: touch(caseKey, event.customerID) { if $0.opened == nil { $0.opened = at } }
        case .firstResponse: touch(caseKey, event.customerID) { if $0.firstResponse == nil { $0.firstResponse = at } }
        case .caseResolved: touch(caseKey, event.customerID) { if $0.resolved == nil { $0.resolved = at } }
        default: if !event.customerID.isEmpty { touch(caseKey, event.customerID) { _ in } }
        }
        switch event.kind {
        case .refundOpened:
            refundStatements.append(
                (
                    """
                    INSERT INTO refund_sla (refund_id, approved_at, expected_by) VALUES (?, ?, ?)
                    ON CONFLICT (refund_id) DO UPDATE SET approved_at = excluded.approved_at, expected_by = excluded.expected_by
                    """,
                    [event.aggregateID, at, event.refund?.expectedBy?.date.timeIntervalSince1970]
                ))
        case .refundFinished:
            refundStatements.append(
                (
                    """
                    INSERT INTO refund_sla (refund_id, finished_at, completed) VALUES (?, ?, ?)
                    ON CONFLICT (refund_id) DO UPDATE SET finished_at = excluded.finished_at, completed = excluded.completed
                    """,
                    [event.aggregateID, at, event.refund?.completed == true]
                ))
        case .slaBreach:
            refundStatements.append(
                (
                    """
                    INSERT INTO refund_sla (refund_id, breached) VALUES (?, 1)
                    ON CONFLICT (refund_id) DO UPDATE SET breached = 1
                    """,
                    [event.aggregateID]
                ))
        default: break
        }
    }

    /// The batch's row of case `key` (created with `customerID`, the first event's), changed by `change`.
    private mutating func touch(
        _ key: String, _ customerID: String,
        _ change: (inout (customerID: String, opened: Double?, firstResponse: Double?, resolved: Double?)) -> Void
    ) {
        let index: Int
        if let existing = caseIndex[key] {
            index = existing
        } else {
            index = cases.count
            caseIndex[key] = index
            cases.append(key)
            caseValues.append((customerID, nil, nil, nil))
        }
        change(&caseValues[index])
    }
}
