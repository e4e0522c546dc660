import CommonAPI
import Foundation
import OrdersDomain
import Runtime
import SupportPolicy
import Wire

/// Turns what a command did into Oversight events: who, what, when, which rule, which policy
/// version, with the order's fairness facts recorded beside (never used to decide).
enum OrdersEvents {
    /// The events for `changes` to `issue` (on `order`) made by `actor` at `now`.
    static func events(for changes: [CaseChange], issue: Issue, order: Order, by actor: Actor, at now: Date) -> [Event]
    {
        var base = base(aggregateType: "issue", aggregateID: issue.id, order: order, by: actor, at: now)
        base.category = issue.category.name
        return changes.map { $0.event(from: base, resolvedAs: issue.state.name) }
    }

    /// The decision event of an order change made directly on the order (address, adjustment).
    static func orderDecision(_ outcome: String, rule: PolicyRule, order: Order, by actor: Actor, at now: Date) -> Event
    {
        var event = base(aggregateType: "order", aggregateID: order.id, order: order, by: actor, at: now)
        event.kind = .decision
        event.category = "ORDER_CHANGE"
        event.decision = DecisionDetail.with {
            $0.decisionType = "order_change"
            $0.outcome = outcome
            $0.favorable = true
            $0.rule = rule.wire
            $0.followedPlaybook = true
        }
        event.summary = "\(outcome) on order \(order.id) by rule \(rule.id)"
        return event
    }

    private static func base(aggregateType: String, aggregateID: String, order: Order, by actor: Actor, at now: Date)
        -> Event
    {
        Event.with {
            $0.sourceService = "orders"
            $0.aggregateType = aggregateType
            $0.aggregateID = aggregateID
            $0.actor = actor.wire
            $0.occurredAt = Timestamp(now)
            $0.customerID = order.customerID
            $0.fairness = order.recordedFairness.wire
        }
    }
}
