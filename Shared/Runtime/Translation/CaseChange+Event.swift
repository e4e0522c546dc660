import CommonAPI
import SupportPolicy
import Wire

extension CaseChange {
    /// This change as an Oversight event: `base` carries what every event of the case shares
    /// (source, case type and id, actor, time, customer, category, fairness facts); this adds the
    /// kind and its detail. `resolvedAs` names the final state for the summary of `.resolved`.
    public func event(from base: Event, resolvedAs state: String) -> Event {
        var event = base
        let noun = base.aggregateType
        switch self {
        case .opened:
            event.kind = .caseOpened
            event.summary = "\(noun) opened"
        case .firstResponse:
            event.kind = .firstResponse
            event.summary = "first response to the customer"
        case .stateChanged(let from, let to):
            event.kind = .stateChange
            event.stateChange = StateChangeDetail.with {
                $0.fromState = from ?? ""
                $0.toState = to
            }
            event.summary = "\(noun) \(from ?? "new") -> \(to)"
        case .decided(let decision):
            event.kind = .decision
            event.decision = DecisionDetail.with {
                $0.decisionType = decision.type
                $0.outcome = decision.outcome
                $0.favorable = decision.favorable
                $0.rule = decision.rule.wire
                $0.followedPlaybook = decision.followedPlaybook
            }
            event.summary = "\(decision.type): \(decision.outcome) by rule \(decision.rule.id)"
        case .message(let message):
            event.kind = .message
            event.actor = message.author.wire
            event.message = MessageDetail.with { $0.message = message.wire }
            event.summary = "message from \(message.author.role.rawValue)"
        case .resolved:
            event.kind = .caseResolved
            event.summary = "\(noun) \(state.lowercased())"
        }
        return event
    }
}
