import CommonAPI
import Foundation
import ReturnsAPI
import ReturnsDomain
import Runtime
import SupportPolicy
import Wire

extension ProductReturn {
    /// The contract's message for this return.
    var wire: WireReturn {
        WireReturn.with {
            $0.returnID = id
            $0.orderID = orderID
            $0.customerID = customerID
            $0.lines = lines.map { line in
                WireReturnLine.with {
                    $0.lineNumber = Int32(clamping: line.lineNumber)
                    $0.quantity = Int32(clamping: line.quantity)
                    $0.paidShare = line.paidShare?.wire
                    $0.orderedQuantity = Int32(clamping: line.orderedQuantity)
                    $0.refundAmount = line.refundAmount?.wire
                }
            }
            $0.reason = WireReturnReason(rawValue: Int32(reason.rawValue))
            $0.remedy = WireReturnRemedy(rawValue: Int32(remedy.rawValue))
            $0.description = description
            $0.state = WireReturnState(rawValue: Int32(state.rawValue))
            $0.label = WireReturnLabel.with {
                $0.carrier = label.carrier
                $0.trackingNumber = label.trackingNumber
                $0.labelURL = label.labelURL
                $0.customerCost = label.customerCost.wire
            }
            $0.eligibility = eligibility.wire(orderID: orderID)
            $0.finding = finding.map { WireInspectionFinding(rawValue: Int32($0.rawValue)) } ?? .unspecified
            $0.decision = decision.map { decision in
                WireReturnDecision.with {
                    $0.approved = decision.approved
                    $0.rule = decision.rule.wire
                    $0.explanation = decision.explanation
                    $0.decidedAt = Timestamp(decision.decidedAt)
                }
            }
            $0.refundAmount = refundAmount.wire
            $0.refundID = refundID
            $0.replacementID = replacementID
            $0.timeline = timeline.map { entry in
                ReturnEvent.with {
                    $0.action = entry.action
                    $0.actor = entry.actor.wire
                    $0.detail = entry.detail
                    $0.at = Timestamp(entry.at)
                }
            }
            $0.messages = messages.map(\.wire)
            $0.notifications = notifications.map { $0.notification(for: customerID) }
            $0.requestedAt = Timestamp(requestedAt)
        }
    }

    /// A return as the store kept it (written by ``wire``).
    init(stored wire: WireReturn) throws(ReturnsError) {
        guard let reason = ReturnReason(rawValue: Int(wire.reason.rawValue)),
            let remedy = ReturnRemedy(rawValue: Int(wire.remedy.rawValue)),
            let state = ReturnState(rawValue: Int(wire.state.rawValue)), let label = wire.label,
            let eligibility = wire.eligibility, let requestedAt = wire.requestedAt, let amount = wire.refundAmount
        else { throw .invalid("stored return \(wire.returnID) is unreadable") }
        let when = requestedAt.date
        self.init(
            id: wire.returnID, orderID: wire.orderID, customerID: wire.customerID,
            lines: wire.lines.map { line in
                ReturnLine(
                    lineNumber: Int(line.lineNumber), quantity: Int(line.quantity),
                    paidShare: line.paidShare.map { Money(trustedWire: $0) },
                    orderedQuantity: Int(line.orderedQuantity),
                    refundAmount: line.refundAmount.map { Money(trustedWire: $0) })
            },
            reason: reason, remedy: remedy, description: wire.description, state: state,
            label: ReturnLabel(
                carrier: label.carrier, trackingNumber: label.trackingNumber, labelURL: label.labelURL,
                customerCost: Money(trustedWire: label.customerCost ?? CommonAPI.Money())),
            eligibility: Eligibility(stored: eligibility),
            finding: InspectionFinding(rawValue: Int(wire.finding.rawValue)),
            decision: wire.decision.map { decision in
                ReturnDecision(
                    approved: decision.approved, rule: PolicyRule(wire: decision.rule ?? PolicyReference()),
                    explanation: decision.explanation, decidedAt: decision.decidedAt?.date ?? when)
            },
            refundAmount: Money(trustedWire: amount), refundID: wire.refundID,
            replacementID: wire.replacementID,
            timeline: wire.timeline.map { entry in
                ReturnTimelineEntry(
                    action: entry.action, actor: Actor(wire: entry.actor), detail: entry.detail,
                    at: entry.at?.date ?? when)
            },
            messages: wire.messages.map { CaseMessage(wire: $0, default: when) },
            notifications: wire.notifications.map { CaseMessage(notification: $0, from: "returns", default: when) },
            requestedAt: when)
    }
}

extension Eligibility {
    /// The contract's message.
    func wire(orderID: String) -> ReturnEligibility {
        ReturnEligibility.with {
            $0.orderID = orderID
            $0.eligible = eligible
            $0.route = WireEligibilityRoute(rawValue: Int32(route.rawValue))
            $0.rule = rule.wire
            $0.deliveredAt = deliveredAt.map { Timestamp($0) }
            $0.windowEndsAt = windowEndsAt.map { Timestamp($0) }
            $0.daysSinceDelivery = Int32(clamping: daysSinceDelivery ?? 0)
            $0.explanation = explanation
        }
    }

    /// An eligibility as stored with a return.
    init(stored wire: ReturnEligibility) {
        self.init(
            eligible: wire.eligible, route: EligibilityRoute(rawValue: Int(wire.route.rawValue)) ?? .none,
            rule: PolicyRule(wire: wire.rule ?? PolicyReference()), deliveredAt: wire.deliveredAt?.date,
            windowEndsAt: wire.windowEndsAt?.date, daysSinceDelivery: Int(wire.daysSinceDelivery),
            explanation: wire.explanation)
    }
}
