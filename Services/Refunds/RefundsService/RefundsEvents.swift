import CommonAPI
import Foundation
import RefundsDomain
import Runtime
import SupportPolicy
import Wire

/// Refund events for Oversight: opened (with the amount decision and its deadline), state changes,
/// finished, and SLA breaches, each with the order's fairness facts recorded beside.
enum RefundsEvents {
    /// A refund was created.
    static func opened(_ refund: Refund, facts: OrderFacts, by actor: Actor, at now: Date) -> [Event] {
        var opened = base(refund, facts: facts, by: actor, at: now)
        opened.kind = .refundOpened
        opened.refund = detail(refund)
        opened.summary = "refund of \(refund.amount) opened, due by \(refund.expectedBy.formatted(.iso8601))"
        var decision = base(refund, facts: facts, by: actor, at: now)
        decision.kind = .decision
        decision.decision = DecisionDetail.with {
            $0.decisionType = "refund_amount"
            $0.outcome = "\(refund.amount)"
            $0.favorable = true
            $0.rule = RefundPolicy.limitRule.wire
            $0.followedPlaybook = true
        }
        decision.summary = "refund amount \(refund.amount) within what was paid"
        return [opened, decision]
    }

    /// A refund request refused by rule (`error` says why): a decision on record like a grant.
    static func refused(
        _ error: RefundsError, orderID: String, source: RefundSource, facts: OrderFacts, by actor: Actor, at now: Date
    ) -> Event {
        let rule: PolicyRule =
            switch error {
            case .alreadyRefunded: RefundPolicy.onePerSourceRule
            default: RefundPolicy.limitRule
            }
        return Event.with {
            $0.sourceService = "refunds"
            $0.aggregateType = "refund_request"
            $0.aggregateID = "RRQ-\(UUID.timeOrdered(at: now).uuidString.lowercased())"
            $0.actor = actor.wire
            $0.occurredAt = Timestamp(now)
            $0.customerID = facts.customerID
            $0.fairness = facts.fairness.wire
            $0.category = "REFUND"
            $0.kind = .decision
            $0.decision = DecisionDetail.with {
                $0.decisionType = "refund_request"
                $0.outcome = "REFUSED"
                $0.favorable = false
                $0.rule = rule.wire
                $0.followedPlaybook = true
            }
            $0.summary = "refund request on order \(orderID) refused: \(error)"
        }
    }

    /// A refund changed state (and, if it finished, that it finished).
    static func changed(_ refund: Refund, from: RefundState, facts: OrderFacts, by actor: Actor, at now: Date)
        -> [Event]
    {
        var change = base(refund, facts: facts, by: actor, at: now)
        change.kind = .stateChange
        change.stateChange = StateChangeDetail.with {
            $0.fromState = from.name
            $0.toState = refund.state.name
        }
        change.summary = "refund \(from.name) -> \(refund.state.name)"
        guard !refund.state.isOpen else { return [change] }
        var finished = base(refund, facts: facts, by: actor, at: now)
        finished.kind = .refundFinished
        finished.refund = detail(refund)
        finished.summary =
            refund.state == .completed ? "refund completed" : "refund failed: \(refund.failureReason)"
        return [change, finished]
    }

    /// A refund is still open after its deadline.
    static func breach(_ refund: Refund, facts: OrderFacts?, at now: Date) -> Event {
        var event = base(
            refund,
            facts: facts
                ?? OrderFacts(
                    orderID: refund.orderID, customerID: refund.customerID, paid: refund.amount,
                    fairness: FairnessFacts()),
            by: Actor(subject: "refunds", role: .service), at: now)
        event.kind = .slaBreach
        event.refund = detail(refund)
        event.summary = "refund \(refund.id) still \(refund.state.name) after \(refund.expectedBy.formatted(.iso8601))"
        return event
    }

    private static func detail(_ refund: Refund) -> RefundDetail {
        RefundDetail.with {
            $0.amount = refund.amount.wire
            $0.expectedBy = Timestamp(refund.expectedBy)
            $0.completed = refund.state == .completed
        }
    }

    private static func base(_ refund: Refund, facts: OrderFacts, by actor: Actor, at now: Date) -> Event {
        Event.with {
            $0.sourceService = "refunds"
            $0.aggregateType = "refund"
            $0.aggregateID = refund.id
            $0.actor = actor.wire
            $0.occurredAt = Timestamp(now)
            $0.customerID = refund.customerID
            $0.category =
                switch refund.source {
                case .returnID: "RETURN"
                case .issueID: "ORDER_ISSUE"
                case .agentNote: "GOODWILL"
                }
            var fairness = facts.fairness
            if fairness.orderValue == nil { fairness.orderValue = facts.paid }
            $0.fairness = fairness.wire
        }
    }
}
