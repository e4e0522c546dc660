import CommonAPI
import Foundation
import RefundsAPI
import RefundsDomain
import Runtime
import SupportPolicy
import Wire

extension Refund {
    /// The contract's message for this refund, with its SLA state at `now`.
    func wire(at now: Date) -> WireRefund {
        WireRefund.with {
            $0.refundID = id
            $0.orderID = orderID
            $0.customerID = customerID
            $0.amount = amount.wire
            $0.state = WireRefundState(rawValue: Int32(state.rawValue))
            $0.source = source.wire
            $0.failureReason = failureReason
            $0.approvedAt = Timestamp(approvedAt)
            $0.expectedBy = Timestamp(expectedBy)
            $0.finishedAt = finishedAt.map { Timestamp($0) }
            $0.paymentReference = paymentReference
            $0.rule = rule.wire
            $0.slaBreached = breachedSLA(at: now)
        }
    }

    /// A refund as the store kept it.
    init(stored wire: WireRefund) throws(RefundsError) {
        guard let amount = wire.amount, let state = RefundState(rawValue: Int(wire.state.rawValue)),
            let approvedAt = wire.approvedAt, let expectedBy = wire.expectedBy,
            let source = try? RefundSource(wire: wire.source)
        else { throw .invalid("stored refund \(wire.refundID) is unreadable") }
        self.init(
            id: wire.refundID, orderID: wire.orderID, customerID: wire.customerID,
            amount: Money(trustedWire: amount), state: state, source: source,
            failureReason: wire.failureReason, approvedAt: approvedAt.date, expectedBy: expectedBy.date,
            finishedAt: wire.finishedAt?.date, paymentReference: wire.paymentReference,
            rule: wire.rule.map { PolicyRule(wire: $0) } ?? RefundPolicy.deadlineRule)
    }
}

extension RefundSource {
    /// The contract's message.
    var wire: WireRefundSource {
        WireRefundSource.with {
            switch self {
            case .returnID(let id): $0.kind = .returnID(id)
            case .issueID(let id): $0.kind = .issueID(id)
            case .agentNote(let note): $0.kind = .agentNote(note)
            }
        }
    }

    /// The source in a message; INVALID_ARGUMENT if none is set.
    init(wire: WireRefundSource?) throws(RefundsError) {
        switch wire?.kind {
        case .returnID(let id): self = .returnID(id)
        case .issueID(let id): self = .issueID(id)
        case .agentNote(let note): self = .agentNote(note)
        case nil: throw .invalid("source is required: a return_id, an issue_id or an agent_note")
        }
    }
}

extension RefundBalance {
    /// The contract's message.
    func wire(orderID: String) -> WireRefundBalance {
        WireRefundBalance.with {
            $0.orderID = orderID
            $0.paid = paid.wire
            $0.refunded = refunded.wire
            $0.inProgress = inProgress.wire
            $0.refundable = refundable.wire
        }
    }
}
