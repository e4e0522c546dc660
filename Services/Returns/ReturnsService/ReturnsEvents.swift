import CommonAPI
import Foundation
import ReturnsDomain
import Runtime
import SupportPolicy
import Wire

/// Return events for Oversight, with the order's fairness facts recorded beside.
enum ReturnsEvents {
    /// The events for `changes` to `productReturn` made by `actor` at `now`.
    static func events(
        for changes: [CaseChange], of productReturn: ProductReturn, fairness: FairnessFacts, by actor: Actor,
        at now: Date
    ) -> [Event] {
        let base = Event.with {
            $0.sourceService = "returns"
            $0.aggregateType = "return"
            $0.aggregateID = productReturn.id
            $0.actor = actor.wire
            $0.occurredAt = Timestamp(now)
            $0.customerID = productReturn.customerID
            $0.category = productReturn.reason.name
            $0.fairness = fairness.wire
        }
        return changes.map { $0.event(from: base, resolvedAs: productReturn.state.name) }
    }

    /// The eligibility decision `eligibility` on an order, as one event of the case `caseID` of
    /// `aggregateType` ("eligibility_check" for CheckEligibility, "return" for a refused request):
    /// favorable or not, every answer is on record.
    static func eligibility(
        _ eligibility: Eligibility, orderID: String, customerID: String, caseID: String, aggregateType: String,
        fairness: FairnessFacts, by actor: Actor, at now: Date
    ) -> Event {
        let outcome =
            switch eligibility.route {
            case .returnRequest: "ELIGIBLE"
            case .orderIssue: "NOT_ELIGIBLE_ORDER_ISSUE"
            case .none: "NOT_ELIGIBLE"
            }
        let base = Event.with {
            $0.sourceService = "returns"
            $0.aggregateType = aggregateType
            $0.aggregateID = caseID
            $0.actor = actor.wire
            $0.occurredAt = Timestamp(now)
            $0.customerID = customerID
            $0.category = "RETURN_ELIGIBILITY"
            $0.fairness = fairness.wire
        }
        var event = CaseChange.decided(
            .init(type: "return_eligibility", outcome: outcome, favorable: eligibility.eligible, rule: eligibility.rule)
        ).event(from: base, resolvedAs: outcome)
        event.summary += " (order \(orderID))"
        return event
    }
}
