import CommonAPI
import OversightAPI

/// Which service owns which events: each platform service records events only of its own
/// aggregate types, and refund kinds (opened, finished, SLA breach) only the Refunds service. The
/// report facts and case owners are keyed by aggregate type and id; since every aggregate type
/// has exactly one owning service, those keys are per source service and no caller can write
/// facts or take over a case of another service's aggregate.
enum EventOwnership {
    /// The aggregate types each source service records.
    static let aggregateTypes: [String: Set<String>] = [
        "orders": ["order", "issue"],
        "returns": ["return", "eligibility_check"],
        "refunds": ["refund", "refund_request"],
        "inquiries": ["ticket", "question"],
    ]

    /// The event kinds only the Refunds service records.
    static let refundKinds: Set<EventKind> = [.refundOpened, .refundFinished, .slaBreach]

    /// Why `event` may not come from its source service, or nil if it may (its source is already
    /// checked to be the verified caller).
    static func problem(with event: Event) -> String? {
        let owned = aggregateTypes[event.sourceService] ?? []
        guard owned.contains(event.aggregateType) else {
            let list = owned.sorted().joined(separator: ", ")
            return
                "aggregate_type '\(event.aggregateType)' is not one of \(event.sourceService)'s (\(list.isEmpty ? "none" : list))"
        }
        if refundKinds.contains(event.kind) && event.aggregateType != "refund" {
            return "a \(event.kind) event is about a refund (aggregate_type 'refund'), recorded by refunds only"
        }
        return nil
    }
}
