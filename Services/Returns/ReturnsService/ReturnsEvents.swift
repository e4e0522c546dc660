import CommonAPI
import Foundation
import OversightAPI
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
}
